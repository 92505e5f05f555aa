/// An RFC 9457 problem body: every error the relay answers.
///
/// `detail` says what was wrong in words a user can act on, and never holds
/// internals, tokens, keys or message content.
public struct Problem: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// A URI naming the problem type (`about:blank`, or `urn:poc-relay:problem:NAME` for the relay's own).
    public var type: String
    /// A short summary of the problem type, the same for every occurrence.
    public var title: String
    /// The HTTP status code.
    public var status: Int
    /// What went wrong this time, and what to do.
    public var detail: String

    /// The media type of problem bodies.
    public static let mediaType = "application/problem+json"

    /// Creates a problem; `type` defaults to `about:blank`.
    public init(status: Int, title: String, detail: String, type: String? = nil) {
        self.status = status
        self.title = title
        self.detail = detail
        self.type = type ?? "about:blank"
    }

    public var description: String { "\(status) \(title): \(detail)" }
}

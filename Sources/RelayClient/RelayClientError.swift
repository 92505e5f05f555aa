public import RelayProtocol

/// Why a call to the relay failed, in words a duty officer can act on.
///
/// Branch on ``kind``; print ``description``. The description names the relay
/// and the request (method and path template), never a token, a request or
/// response body, or key bytes, and it holds no control characters, so text a
/// hostile relay chose cannot rewrite the terminal.
///
/// ```swift
/// do { _ = try await client.health() } catch {
///     print("poc: error: \(error)")  // cannot reach the relay at https://relay.example: connection refused
/// }
/// ```
public struct RelayClientError: Error, CustomStringConvertible, Sendable {
    /// The failure class.
    public enum Kind: Sendable {
        /// The relay answered a non-2xx status with an RFC 9457 problem body.
        case problem(Problem)
        /// The relay answered a status the call does not expect, without a
        /// problem body; the string says what came instead.
        case unexpectedStatus(Int, String)
        /// No answer: connection refused, name not found, TLS handshake
        /// failure, timeout; the string says which.
        case unreachable(String)
        /// A success status whose body could not be read as the protocol says.
        case badResponse(String)
        /// The client was set up wrongly: bad relay URL, unreadable CA file.
        case badConfiguration(String)
        /// The request could not be built from the arguments given (an id
        /// that cannot be a path segment, a header that cannot be sent).
        case invalidRequest(String)
        /// The calling task was cancelled before the relay answered.
        case cancelled
    }

    /// The failure class.
    public let kind: Kind
    /// What was being done, e.g. `GET /v1/inbox` or `reading the CA file`; may be empty.
    public let context: String
    /// The relay's address as configured (no credentials), for messages.
    public let relay: String
    /// Seconds the relay asked to wait before retrying (`Retry-After` on a 429 or 503).
    public let retryAfterSeconds: Int?

    /// Creates an error.
    /// - Parameters:
    ///   - kind: The failure class.
    ///   - context: What was being done, e.g. `POST /v1/messages`.
    ///   - relay: The relay's base URL as text.
    ///   - retryAfterSeconds: The relay's `Retry-After`, when it sent one.
    public init(_ kind: Kind, context: String = "", relay: String = "", retryAfterSeconds: Int? = nil) {
        self.kind = kind
        self.context = context
        self.relay = relay
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// The HTTP status of the relay's answer, when there was one.
    public var status: Int? {
        switch kind {
        case .problem(let problem): return problem.status
        case .unexpectedStatus(let status, _): return status
        default: return nil
        }
    }

    /// True when the relay refused the credentials (401): log in again.
    public var isUnauthorized: Bool { status == 401 }

    /// The relay's problem body, when it sent one.
    public var problem: Problem? {
        if case .problem(let problem) = kind { return problem }
        return nil
    }

    /// One line, lowercase first word, no final period, e.g.
    /// `cannot reach the relay at https://relay.example: connection refused`.
    public var description: String {
        let at = relay.isEmpty ? "the relay" : "the relay at \(relay)"
        let during = context.isEmpty ? "" : " (\(context))"
        let text: String
        switch kind {
        case .problem(let problem):
            let title = problem.title.isEmpty ? "" : " \(problem.title)"
            let detail = problem.detail.isEmpty ? "" : ": \(problem.detail)"
            text = "\(at) refused the request\(during): \(problem.status)\(title)\(detail)"
        case .unexpectedStatus(let status, let what):
            text = "\(at) answered \(status)\(during): \(what)"
        case .unreachable(let why):
            text = "cannot reach \(at)\(during): \(why)"
        case .badResponse(let why):
            text = "\(at) sent an answer that cannot be read\(during): \(why)"
        case .badConfiguration(let why):
            text = "cannot use \(at): \(why)"
        case .invalidRequest(let why):
            text = "cannot build the request\(during): \(why)"
        case .cancelled:
            text = "the request to \(at) was cancelled\(during)"
        }
        let retry = retryAfterSeconds.map { "; retry after \($0) s" } ?? ""
        return Self.printable(text + retry)
    }

    /// `text` without control characters, cut to 600 characters.
    static func printable(_ text: String, limit: Int = 600) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if out.count >= limit {
                out.append(contentsOf: "…".unicodeScalars)
                break
            }
            let isControl = scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
            out.append(isControl ? " " : scalar)
        }
        return String(out)
    }
}

import Foundation

/// One e-mail as the test SMTP server stored it (RFC 5322 text): header
/// fields, unfolded, and the body.
public struct MailMessage: Sendable {
    /// The whole message as stored.
    public let raw: String
    /// The header fields in order (names as written, values unfolded and trimmed).
    public let headers: [(name: String, value: String)]
    /// Everything after the first empty line.
    public let body: String

    /// Parses `raw`.
    public init(raw: String) {
        self.raw = raw
        let text = raw.replacingOccurrences(of: "\r\n", with: "\n")
        let parts = text.split(separator: "\n", omittingEmptySubsequences: false)
        var fields: [(String, String)] = []
        var index = 0
        while index < parts.count, !parts[index].isEmpty {
            let line = parts[index]
            if let first = line.first, first == " " || first == "\t", let last = fields.popLast() {
                fields.append((last.0, last.1 + " " + line.trimmingCharacters(in: .whitespaces)))
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            index += 1
        }
        headers = fields
        body = parts.dropFirst(index + 1).joined(separator: "\n")
    }

    /// The first value of header `name` (compared without case).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The envelope recipients the server saw (its `X-RcptTo` field).
    public var envelopeRecipients: String? { header("X-RcptTo") }
}

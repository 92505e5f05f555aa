public import RelayProtocol

/// A refusal by the relay, already in the words of RFC 9457.
///
/// The HTTP layer renders ``problem`` as `application/problem+json` and adds
/// `Retry-After` when ``retryAfterSeconds`` is set. Details never carry
/// tokens, keys, message content or internal errors.
public struct RelayFailure: Error, Sendable, CustomStringConvertible {
    /// The problem body.
    public let problem: Problem
    /// For 429 answers: when to try again.
    public let retryAfterSeconds: Int?

    /// Creates a failure.
    public init(status: Int, title: String, detail: String, slug: String, retryAfterSeconds: Int? = nil) {
        self.problem = Problem(status: status, title: title, detail: detail, type: "urn:poc-relay:problem:\(slug)")
        self.retryAfterSeconds = retryAfterSeconds
    }

    public var description: String { problem.description }

    /// 400: the request cannot be read as the protocol says.
    public static func badRequest(_ detail: String) -> RelayFailure {
        RelayFailure(status: 400, title: "Malformed request", detail: detail, slug: "malformed-request")
    }

    /// 401: the same answer for every credential failure.
    public static let unauthorized = RelayFailure(
        status: 401, title: "Not authenticated",
        detail: "The credentials are missing, wrong, expired or revoked. Log in again with a fresh challenge, "
            + "or ask the custodian for a new invitation.",
        slug: "unauthorized")

    /// 403: authenticated, but not allowed.
    public static func forbidden(_ detail: String) -> RelayFailure {
        RelayFailure(status: 403, title: "Not allowed", detail: detail, slug: "forbidden")
    }

    /// 404: the same answer for "unknown" and "not yours".
    public static let notFound = RelayFailure(
        status: 404, title: "Not found", detail: "There is no such resource for you. Check the id.", slug: "not-found")

    /// 409: the id is taken by something else.
    public static func conflict(_ detail: String) -> RelayFailure {
        RelayFailure(status: 409, title: "Conflict", detail: detail, slug: "conflict")
    }

    /// 413: over a size limit.
    public static func tooLarge(_ detail: String) -> RelayFailure {
        RelayFailure(status: 413, title: "Too large", detail: detail, slug: "too-large")
    }

    /// 422: well formed, but not acceptable.
    public static func unprocessable(_ detail: String) -> RelayFailure {
        RelayFailure(status: 422, title: "Invalid content", detail: detail, slug: "invalid-content")
    }

    /// 429: slow down.
    public static func rateLimited(retryAfter: Int) -> RelayFailure {
        RelayFailure(
            status: 429, title: "Too many requests",
            detail: "This client or POC sent too many requests. Wait \(retryAfter) s before trying again.",
            slug: "rate-limited", retryAfterSeconds: retryAfter)
    }

    /// 503: the store did not answer.
    public static let unavailable = RelayFailure(
        status: 503, title: "Service unavailable",
        detail: "The relay cannot reach its store right now. Try again shortly; nothing was accepted.", slug: "unavailable")

    /// 500: a bug of the relay's own (nothing the client sent); nothing was stored.
    public static let `internal` = RelayFailure(
        status: 500, title: "Internal error",
        detail: "The relay failed to handle this request; nothing was stored. Try again; if it persists, tell the custodian.",
        slug: "internal")

    /// The failure for a wire error: 413 for size, 400 for unreadable, 422 otherwise.
    public static func wire(_ error: WireError) -> RelayFailure {
        if error.code == .tooLarge { return .tooLarge("\(printable(error.field)) \(error.reason).") }
        let field = error.field.isEmpty ? "" : "\(printable(error.field)): "
        return error.isMalformed ? .badRequest("\(field)\(error.reason).") : .unprocessable("\(field)\(error.reason).")
    }

    /// Text the client chose (a field path with its dictionary keys, an id),
    /// made safe to echo in a detail: printable ASCII only, at most 64 characters.
    public static func printable(_ text: String) -> String {
        let scalars = text.unicodeScalars.prefix(65).map { (0x20..<0x7F).contains($0.value) ? $0 : "?" }
        let cleaned = String(String.UnicodeScalarView(scalars))
        return cleaned.count > 64 ? String(cleaned.prefix(64)) + "..." : cleaned
    }
}

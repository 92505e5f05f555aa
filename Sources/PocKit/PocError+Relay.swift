import Foundation
public import RelayClient
public import RelayProtocol

extension PocError {
    /// The error for a relay client failure, in the client's own words: what
    /// happened and what the user can do, never the relay's status code.
    ///
    /// Exit statuses: 69 when the relay cannot be reached or cannot serve now
    /// (`unavailable`, `rate-limited`), 77 when it refuses the credentials,
    /// 1 otherwise. The command line and any other front end print the same
    /// sentences.
    public static func from(_ error: RelayClientError) -> PocError {
        switch error.kind {
        case .unreachable:
            // Without the request (`POST /v1/auth/challenge`): what failed is reaching the relay, not one call.
            let reaching = RelayClientError(error.kind, relay: error.relay)
            return PocError(reaching.description, hint: "check the network, or run `poc sync` later", status: .unavailable)
        case .problem(let problem):
            return from(problem, during: error.context, retryAfter: error.retryAfterSeconds)
        default:
            return PocError(error.description)
        }
    }

    /// The error for a problem the relay answered (RFC 9457), by its type
    /// `urn:poc-relay:problem:NAME` (by its status when the type is not one
    /// of ours), for the request `context` (`GET /v1/messages/{id}/...`).
    ///
    /// The relay's detail is kept only where it names what the user gave:
    /// the field or the ids of a refused request (400, 403, 413, 422).
    public static func from(_ problem: Problem, during context: String = "", retryAfter: Int? = nil) -> PocError {
        let detail = sentence(problem.detail)
        switch ProblemName(problem) {
        case .unauthorized:
            return PocError(
                "the relay did not accept this POC's credentials",
                hint: "try again; if it keeps refusing, this POC may have been revoked: ask the custodian", status: .noPermission)
        case .notFound:
            if context.contains("/v1/pings") {
                return PocError("no such ping is pending for this POC", hint: "see `poc pings`")
            }
            if context.hasPrefix("GET /v1/messages/") && context.hasSuffix("/status") {
                return PocError(
                    "the relay has no message with that id sent by this POC",
                    hint: "check the id with `poc log`; the relay forgets a message once it has expired")
            }
            if context.contains("/v1/messages") {
                return PocError(
                    "no message with that id is waiting for this POC", hint: "check the id with `poc inbox`, or `poc log` for one already read")
            }
            return PocError("the relay has nothing with that id for this POC", hint: "check the id")
        case .forbidden:
            return PocError(detail.isEmpty ? "the relay does not allow this POC to do that" : "not allowed: \(detail)")
        case .conflict:
            if context.contains("/v1/enrol") {
                return PocError("this identity key is already enrolled", hint: "enrol from a new home (another --home)")
            }
            return PocError("that message id is already used by another message", hint: "send it again as a new message")
        case .tooLarge:
            return PocError(
                detail.isEmpty ? "the request is larger than the relay accepts" : "too large for the relay: \(detail)",
                hint: "send less, or a smaller attachment")
        case .invalidContent:
            return PocError(detail.isEmpty ? "the relay refused the content" : "the relay refused the content: \(detail)")
        case .malformedRequest:
            return PocError(
                detail.isEmpty ? "the relay could not read the request" : "the relay could not read the request: \(detail)",
                hint: "this poc and the relay may speak different protocol versions: update poc, or tell the custodian")
        case .rateLimited:
            let wait = retryAfter.map { "wait \($0) s" } ?? "wait a little"
            return PocError("the relay asks this POC to slow down", hint: "\(wait), then try again", status: .unavailable)
        case .unavailable:
            return PocError(
                "the relay cannot serve right now; nothing was accepted", hint: "try again in a minute", status: .unavailable)
        case .internal, .other:
            return PocError(
                "the relay failed to handle the request", hint: "try again; if it keeps failing, tell the custodian")
        }
    }

    /// The relay's detail as a clause of one of our lines: control
    /// characters dropped, first letter lowercased unless it starts a name
    /// or a field, no final period, at most 300 characters.
    static func sentence(_ detail: String) -> String {
        var text = String(String.UnicodeScalarView(detail.unicodeScalars.filter { $0.properties.generalCategory != .control }))
        text = text.trimmingCharacters(in: .whitespaces)
        if text.count > 300 { text = String(text.prefix(300)) + "…" }
        while text.hasSuffix(".") { text.removeLast() }
        if let first = text.first, first.isUppercase, let second = text.dropFirst().first, second.isLowercase {
            text = first.lowercased() + text.dropFirst()
        }
        return text
    }
}

/// The problem types of docs/protocol.md (`urn:poc-relay:problem:NAME`).
enum ProblemName {
    case malformedRequest, unauthorized, forbidden, notFound, conflict, tooLarge, invalidContent, rateLimited, unavailable, `internal`, other

    init(_ problem: Problem) {
        let prefix = "urn:poc-relay:problem:"
        let name = problem.type.hasPrefix(prefix) ? String(problem.type.dropFirst(prefix.count)) : ""
        switch name {
        case "malformed-request": self = .malformedRequest
        case "unauthorized": self = .unauthorized
        case "forbidden": self = .forbidden
        case "not-found": self = .notFound
        case "conflict": self = .conflict
        case "too-large": self = .tooLarge
        case "invalid-content": self = .invalidContent
        case "rate-limited": self = .rateLimited
        case "unavailable": self = .unavailable
        case "internal": self = .internal
        default: self = Self(status: problem.status)
        }
    }

    /// The type a status stands for, for a problem without one of our types.
    init(status: Int) {
        switch status {
        case 400: self = .malformedRequest
        case 401: self = .unauthorized
        case 403: self = .forbidden
        case 404: self = .notFound
        case 409: self = .conflict
        case 413: self = .tooLarge
        case 422: self = .invalidContent
        case 429: self = .rateLimited
        case 503: self = .unavailable
        default: self = .other
        }
    }
}

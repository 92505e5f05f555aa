import Foundation
public import RelayClient
import RelayProtocol

extension PocError {
    /// The error for a failed alert call: a refused field of
    /// `PUT /v1/alerts/me` (422) is one sentence naming the field and what
    /// to fix, exit status 65; anything else as ``from(_:)``.
    public static func fromAlerts(_ error: RelayClientError) -> PocError {
        guard case .problem(let problem) = error.kind, problem.status == 422 else { return from(error) }
        let detail = sentence(problem.detail)
        let parts = detail.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let field = AlertField(rawValue: parts[0]) else {
            return PocError(
                detail.isEmpty ? "the relay refused the alert settings" : "the relay refused the alert settings: \(detail)",
                status: .dataError)
        }
        return PocError("the relay refused the \(field.words) and changed nothing: it \(parts[1])", hint: field.hint, status: .dataError)
    }
}

/// The fields of `PUT /v1/alerts/me`, in a user's words.
private enum AlertField: String {
    case email, webhook, urgencies

    var words: String {
        switch self {
        case .email: "alert e-mail address"
        case .webhook: "alert webhook URL"
        case .urgencies: "alert urgencies"
        }
    }

    var hint: String {
        switch self {
        case .email: "give one address like duty@cert.example, or none to unset it"
        case .webhook: "give an https:// URL like https://alerts.cert.example/poc, or none to unset it"
        case .urgencies: "give some of flash, immediate, priority, routine, comma-separated"
        }
    }
}

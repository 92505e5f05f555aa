import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The settings page: the alert channels with each one's status, the
/// interface language, and the unlock time.
struct SettingsPage {
    let state: UIState
    let client: PocClient

    /// The urgencies an alert can be asked for, most urgent first.
    static let urgencies: [Urgency] = [.flash, .immediate, .priority, .routine]

    /// What the alert form held when it was refused (kept as typed).
    struct AlertsForm {
        var email: String
        var webhook: String
        var urgencies: Set<Urgency>
    }

    /// A notice or error above the page, and what the user typed in a refused form.
    struct Outcome {
        var notice: String?
        var alertsError: String?
        var alertsForm: AlertsForm?
        var testError: String?
        var unlockError: String?
        var minutesTyped: String?

        var isError: Bool { alertsError != nil || testError != nil || unlockError != nil }
    }

    func render(_ request: Request, _ context: UIRequestContext, outcome: Outcome = Outcome()) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(t["settings.title"], context: context, client: client, path: "/settings", current: "settings")
        var data: [String: Any] = [:]
        if let session = context.session { data["csrf"] = session.csrf.text }
        if let notice = outcome.notice { data["notice"] = notice }
        if let error = outcome.alertsError { data["alertsError"] = error }
        if let error = outcome.testError { data["testError"] = error }
        if let error = outcome.unlockError { data["unlockError"] = error }
        do {
            let overview = try await client.alerts()
            data.merge(Self.alertsData(overview, form: outcome.alertsForm, catalog: t)) { $1 }
        } catch {
            data["alertsUnavailable"] = "\(t["settings.alerts.unavailable"]) \(error.message)"
            if let form = outcome.alertsForm {
                data.merge(Self.formData(form, catalog: t)) { $1 }
                data["alertsForm"] = true
            }
        }
        data["languages"] = UILanguage.allCases.map { language -> [String: Any] in
            ["code": language.rawValue, "name": language.nativeName, "selected": language == context.language]
        }
        let minutes = Int(state.vault.lockAfter.components.seconds / 60)
        data["minutes"] = outcome.minutesTyped ?? String(minutes)
        data["unlockCurrent"] = t.format("settings.unlock_time.current", ["minutes": String(minutes)])
        data["minMinutes"] = String(SettingsRoutes.minutes.lowerBound)
        data["maxMinutes"] = String(SettingsRoutes.minutes.upperBound)
        return state.renderer.page(
            "settings", data: data, frame: frame, language: context.language, status: outcome.isError ? .unprocessableContent : .ok)
    }

    /// The alert section's values: the form (as stored, or as typed when
    /// refused) and one row per channel with its status.
    static func alertsData(_ overview: AlertsOverview, form: AlertsForm?, catalog t: Catalog) -> [String: Any] {
        let shown =
            form
            ?? AlertsForm(
                email: overview.settings.email ?? "", webhook: overview.settings.webhook ?? "", urgencies: Set(overview.settings.urgencies))
        var data = formData(shown, catalog: t)
        data["alertsForm"] = true
        data["unreachable"] = overview.isUnreachable
        data["channels"] = overview.channels.map { channel -> [String: Any] in
            var row: [String: Any] = [
                "name": t["settings.channel.\(channel.channel.rawValue)"], "health": channel.health.rawValue,
                "healthLabel": t["settings.health.\(channel.health.rawValue)"], "pending": String(channel.pending),
                "target": channel.target ?? t["settings.alerts.not_set"],
            ]
            if let sent = channel.lastSentAt {
                row["sentAt"] = sent.description
                row["sentText"] = TimeText.display(sent, t)
            }
            if let failed = channel.lastFailureAt {
                row["failedAt"] = failed.description
                row["failedText"] = TimeText.display(failed, t)
            }
            if let why = channel.lastFailure { row["failure"] = why }
            return row
        }
        data["hasChannels"] = !overview.channels.isEmpty
        data["canTest"] = !overview.settings.channels.isEmpty
        return data
    }

    static func formData(_ form: AlertsForm, catalog t: Catalog) -> [String: Any] {
        [
            "email": form.email, "webhook": form.webhook,
            "urgencies": urgencies.map { urgency -> [String: Any] in
                [
                    "value": urgency.rawValue, "label": t["urgency.\(urgency.rawValue)"], "checked": form.urgencies.contains(urgency),
                ]
            },
        ]
    }
}

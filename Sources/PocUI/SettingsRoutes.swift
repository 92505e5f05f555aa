import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of settings: alert channels, language, unlock time.
///
/// `GET /settings` shows them; the alert channels change through PocKit's
/// `setAlerts` (`POST /settings/alerts`) and are tested through `testAlerts`
/// (`POST /settings/alerts/test`), as `poc alerts set` and `poc alerts test`
/// do; the unlock time (`POST /settings/unlock-time`) changes the vault's idle
/// time for this run; the language is the header picker's `POST /language`.
struct SettingsRoutes {
    let state: UIState

    /// The unlock times the form accepts, in minutes (``KeyVault/lockAfterBounds``).
    static let minutes: ClosedRange<Int> =
        Int(KeyVault.lockAfterBounds.lowerBound.components.seconds / 60)...Int(KeyVault.lockAfterBounds.upperBound.components.seconds / 60)

    func add(to router: Router<UIRequestContext>) {
        router.get("/settings") { request, context in
            try await withClient { client in
                await SettingsPage(state: state, client: client).render(
                    request, context, outcome: SettingsPage.Outcome(notice: notice(request, context)))
            }
        }
        router.post("/settings/alerts") { request, context in
            try await withClient { client in await setAlerts(request, context, client) }
        }
        router.post("/settings/alerts/test") { request, context in
            try await withClient { client in await testAlerts(request, context, client) }
        }
        router.post("/settings/unlock-time") { request, context in
            try await withClient { client in await setUnlockTime(request, context, client) }
        }
    }

    private func withClient(_ body: (PocClient) async throws -> Response) async throws -> Response {
        guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
        return try await body(client)
    }

    /// The notice of a `done` query (after a POST's 303).
    private func notice(_ request: Request, _ context: UIRequestContext) -> String? {
        let t = state.renderer.catalogs[context.language]
        let query = request.uri.queryParameters
        switch query["done"].map(String.init) {
        case "alerts": return t["settings.done.alerts"]
        case "unlock_time":
            return t.format("settings.done.unlock_time", ["minutes": String(Int(state.vault.lockAfter.components.seconds / 60))])
        case "tested":
            func channels(_ name: String) -> [String] {
                (query[Substring(name)].map(String.init) ?? "").split(separator: ",").compactMap { AlertChannel(rawValue: String($0)) }.map {
                    t["settings.channel.\($0.rawValue)"]
                }
            }
            var parts: [String] = []
            let sent = channels("sent")
            let failed = channels("failed")
            if !sent.isEmpty { parts.append(t.format("settings.test.sent", ["channels": sent.joined(separator: ", ")])) }
            if !failed.isEmpty { parts.append(t.format("settings.test.failed", ["channels": failed.joined(separator: ", ")])) }
            return parts.isEmpty ? nil : parts.joined(separator: " ")
        default: return nil
        }
    }

    private func setAlerts(_ request: Request, _ context: UIRequestContext, _ client: PocClient) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let fields = context.form
        let form = SettingsPage.AlertsForm(
            email: fields?["email"] ?? "", webhook: fields?["webhook"] ?? "",
            urgencies: Set(SettingsPage.urgencies.filter { fields?["urgency_\($0.rawValue)"] == "1" }))
        func refused(_ text: String) async -> Response {
            await SettingsPage(state: state, client: client).render(
                request, context, outcome: SettingsPage.Outcome(alertsError: text, alertsForm: form))
        }
        guard !form.urgencies.isEmpty else { return await refused(t["settings.alerts.no_urgency"]) }
        do {
            let urgencies = SettingsPage.urgencies.filter(form.urgencies.contains).map(\.rawValue).joined(separator: ",")
            let change = try AlertsChange(email: form.email, webhook: form.webhook, urgencies: urgencies)
            _ = try await client.setAlerts(change)
        } catch {
            return await refused("\(t["settings.alerts.failed"]) \(error.message)")
        }
        return UIRoutes.redirect("/settings?done=alerts")
    }

    private func testAlerts(_ request: Request, _ context: UIRequestContext, _ client: PocClient) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let report: AlertTestReport
        do { report = try await client.testAlerts() } catch {
            return await SettingsPage(state: state, client: client).render(
                request, context, outcome: SettingsPage.Outcome(testError: "\(t["settings.test.refused"]) \(error.message)"))
        }
        let sent = report.sent.map(\.rawValue).joined(separator: ",")
        let failed = report.failed.map(\.channel.rawValue).joined(separator: ",")
        return UIRoutes.redirect("/settings?done=tested&sent=\(sent)&failed=\(failed)")
    }

    private func setUnlockTime(_ request: Request, _ context: UIRequestContext, _ client: PocClient) async -> Response {
        let t = state.renderer.catalogs[context.language]
        let typed = (context.form?["minutes"] ?? "").trimmingCharacters(in: .whitespaces)
        let bounds = ["min": String(Self.minutes.lowerBound), "max": String(Self.minutes.upperBound)]
        guard let minutes = Int(typed), Self.minutes.contains(minutes) else {
            return await SettingsPage(state: state, client: client).render(
                request, context,
                outcome: SettingsPage.Outcome(unlockError: t.format("settings.unlock_time.bad", bounds), minutesTyped: typed))
        }
        do { try state.vault.setLockAfter(.seconds(minutes * 60)) } catch {
            return await SettingsPage(state: state, client: client).render(
                request, context,
                outcome: SettingsPage.Outcome(unlockError: t.format("settings.unlock_time.bad", bounds), minutesTyped: typed))
        }
        return UIRoutes.redirect("/settings?done=unlock_time")
    }
}

import Foundation
import RelayClient
public import RelayProtocol

extension PocClient {
    /// This POC's alert channels and how each fared (section 10 and
    /// `GET /v1/alerts/me/status`).
    /// - Throws: ``PocError`` in the relay's failure's words.
    public func alerts() async throws(PocError) -> AlertsOverview {
        let settings = try await alertCall { try await session.alertSettings() }
        let status = try await alertCall { try await session.alertStatus() }
        return AlertsOverview(settings: settings, status: status)
    }

    /// Changes this POC's alert settings: each part of `change` applies to
    /// what the relay holds now; what it leaves out stays.
    /// - Parameter change: What to change (a user's text is read by ``AlertsChange``'s text initialiser).
    /// - Returns: The settings as the relay now stores them.
    /// - Throws: 64 when nothing is to change; 65 naming the field when the
    ///   relay refuses a value (nothing is changed then); else as ``alerts()``.
    public func setAlerts(_ change: AlertsChange) async throws(PocError) -> AlertSettings {
        try change.checkNotEmpty()
        let current = try await alertCall { try await session.alertSettings() }
        let wanted = change.applied(to: current)
        return try await alertCall { try await session.setAlertSettings(wanted) }
    }

    /// ``setAlerts(_:)`` with the parts given one by one: `nil` urgencies keep the current ones.
    public func setAlerts(
        email: AlertChannelChange = .keep, webhook: AlertChannelChange = .keep, urgencies: [Urgency]? = nil
    ) async throws(PocError) -> AlertSettings {
        try await setAlerts(AlertsChange(email: email, webhook: webhook, urgencies: urgencies))
    }

    /// Sends a test alert to every channel set, and says which took it.
    /// - Returns: The channels that took it and, for each that did not, the relay's reason.
    /// - Throws: 1 when no channel is set (nothing to test); else as ``alerts()``.
    public func testAlerts() async throws(PocError) -> AlertTestReport {
        let settings = try await alertCall { try await session.alertSettings() }
        guard !settings.channels.isEmpty else {
            throw PocError(
                "no alert channel is set, so there is nothing to test",
                hint: "set one first, e.g. `poc alerts set --email duty@cert.example`")
        }
        let result = try await alertCall { try await session.testAlerts() }
        var failed: [AlertsOverview.Channel] = []
        if !result.failed.isEmpty {
            let status = try await alertCall { try await session.alertStatus() }
            let overview = AlertsOverview(settings: settings, status: status)
            failed = result.failed.map { channel in
                overview.channels.first { $0.channel == channel }
                    ?? AlertsOverview.Channel(channel: channel, target: nil, lastSentAt: nil, lastFailureAt: nil, lastFailure: nil, pending: 0)
            }
        }
        return AlertTestReport(sent: result.sent, failed: failed)
    }

    /// The urgencies in `text`, comma-separated (`flash,immediate`), in
    /// order from most to least urgent.
    /// - Throws: 64 for an empty list, an unknown urgency or one named twice.
    public static func parseAlertUrgencies(_ text: String) throws(PocError) -> [Urgency] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        let allowed = Urgency.allCases.sorted { $0.rank < $1.rank }.map(\.rawValue).joined(separator: ", ")
        guard names.contains(where: { !$0.isEmpty }) else {
            throw PocError.usage("the urgencies must name at least one of \(allowed)", hint: "e.g. flash,immediate")
        }
        var urgencies: [Urgency] = []
        for name in names {
            guard let urgency = Urgency(rawValue: name) else {
                let shown = name.isEmpty ? "an empty name" : "'\(AlertsOverview.printable(String(name.prefix(32))))'"
                throw PocError.usage("\(shown) is not an urgency; give some of \(allowed), comma-separated")
            }
            guard !urgencies.contains(urgency) else { throw PocError.usage("the urgencies name \(urgency) twice") }
            urgencies.append(urgency)
        }
        return urgencies.sorted { $0.rank < $1.rank }
    }

    /// Runs an alert call, its failure in the alert settings' own words.
    func alertCall<T>(_ body: () async throws -> T) async throws(PocError) -> T {
        do { return try await body() } catch let error as RelayClientError { throw PocError.fromAlerts(error) } catch let error as PocError {
            throw error
        } catch {
            throw PocError("\(error)")
        }
    }
}

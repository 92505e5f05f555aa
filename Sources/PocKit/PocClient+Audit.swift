import Foundation
import RelayClient
import RelayProtocol

extension PocClient {
    /// The custodian's review figures: `GET /v1/audit/pings`, `GET /v1/audit/delivery`,
    /// the relay's receipt windows and the directory's published contacts.
    /// - Throws: 77 for a POC that is not a custodian (checked here before the
    ///   relay's 403, so nothing is asked of the relay); the relay's failures as for any call.
    public func auditReport() async throws(PocError) -> AuditReport {
        guard role == .custodian else {
            throw PocError("\(me) is not a custodian: only a custodian sees the audit", status: .noPermission)
        }
        let pings = try await relay { try await session.auditPings() }
        let delivery = try await relay { try await session.auditDelivery() }
        let info = try await relay { try await api.relayInfo() }
        var windows: [Urgency: Int64] = [:]
        for (name, seconds) in info.receiptWindows {
            if let urgency = Urgency(rawValue: name) { windows[urgency] = seconds }
        }
        let directory = try await verifiedDirectory()
        return AuditReport(pings: pings, delivery: delivery, receiptWindows: windows, directory: directory.entries, fetchedAt: .now())
    }
}

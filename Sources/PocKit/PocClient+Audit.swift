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
        // The four answers are independent: asked at once, the page waits for the slowest, not their sum.
        async let pings = relay { try await session.auditPings() }
        async let delivery = relay { try await session.auditDelivery() }
        async let info = relay { try await api.relayInfo() }
        async let directory = verifiedDirectory()
        do {
            var windows: [Urgency: Int64] = [:]
            for (name, seconds) in try await info.receiptWindows {
                if let urgency = Urgency(rawValue: name) { windows[urgency] = seconds }
            }
            return AuditReport(
                pings: try await pings, delivery: try await delivery, receiptWindows: windows, directory: try await directory.entries,
                fetchedAt: .now())
        } catch let error as PocError {
            throw error
        } catch {
            throw PocError("\(error)")
        }
    }
}

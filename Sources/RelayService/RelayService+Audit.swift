import Foundation
import Logging
public import RelayProtocol
import RelayStore

extension RelayService {
    /// `GET /v1/audit/pings`: ping status per campaign, follow-up list and
    /// compliance per state (``PingAuditRules``). Custodians only.
    public func pingAudit(for caller: Caller?) async throws(RelayFailure) -> PingAudit {
        try requireCustodian(caller)
        let campaigns = try await storeCall("ping audit") { try await store.campaigns() }
        let now = self.now
        return try readable("ping audit") { try PingAuditRules.audit(campaigns, now: now) }
    }

    /// `GET /v1/audit/delivery`: figures per urgency (exercise apart) and
    /// overdue messages (``DeliveryAuditRules``). Custodians only. Never
    /// content: there is none.
    public func deliveryAudit(for caller: Caller?) async throws(RelayFailure) -> DeliveryAudit {
        try requireCustodian(caller)
        let facts = try await storeCall("delivery audit") { try await store.deliveryFacts() }
        let alerts = try await alertCounts()
        let now = self.now
        var audit = try readable("delivery audit") {
            try DeliveryAuditRules.audit(facts, now: now, windows: configuration.receiptWindows)
        }
        audit.alerts = alerts
        return audit
    }

    /// `nil` caller means the host tool (`poc-relay audit`), which runs as the custodian.
    private func requireCustodian(_ caller: Caller?) throws(RelayFailure) {
        if let caller, !caller.isCustodian {
            throw .forbidden("Audit figures are for the custodian only.")
        }
    }
}

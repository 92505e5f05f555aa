public import Foundation
import Logging
public import RelayProtocol
public import RelayStore
import Sodium

/// The custodian's listings of the host tool (`poc-relay invites`, `pocs`,
/// the confirmation of `revoke`), not exposed over HTTP.
extension RelayService {
    /// One POC, active or revoked, or `nil` when no POC has this id.
    public func poc(id: POCID) async throws(RelayFailure) -> POCRecord? {
        try await storeCall("poc") { try await store.poc(id: id.rawValue) }
    }

    /// Every POC ever enrolled, active or revoked, with the latest ping of each
    /// POC that was ever pinged (by POC id).
    public func pocListing() async throws(RelayFailure) -> (pocs: [POCRecord], lastPings: [String: PingRecord], now: Date) {
        let pocs = try await storeCall("list pocs") { try await store.allPOCs() }
        let pings = try await storeCall("last pings") { try await store.lastPings() }
        return (pocs, pings, now)
    }

    /// The outstanding invitations (unused, unexpired), or all of them.
    /// - Parameters:
    ///   - includeAll: Whether used, expired and withdrawn ones are listed too.
    public func invitations(includeAll: Bool) async throws(RelayFailure) -> [InviteRecord] {
        let now = self.now
        return try await storeCall("list invites") { try await store.invites(now: now, includeAll: includeAll) }
    }

    /// Withdraws an outstanding invitation, so that it never works; one used,
    /// expired or withdrawn already is left as it is.
    /// - Parameters:
    ///   - id: The invitation id: the first 12 hex digits of its token's SHA-256.
    /// - Returns: The invitation as it stood before, and whether this call withdrew it.
    /// - Throws: 404 for an unknown id, 422 for a malformed or shared one.
    public func withdrawInvitation(id: String) async throws(RelayFailure) -> (invite: InviteRecord, withdrawn: Bool) {
        let result: (invite: InviteRecord, withdrawn: Bool)
        do {
            result = try await store.withdrawInvite(id: id, now: now)
        } catch let error as StoreError where error.code == .notFound {
            throw .notFound
        } catch let error as StoreError where error.code == .invalidArgument {
            throw .unprocessable("Invitation \(id): \(error.reason).")
        } catch {
            logger.error("store failure", metadata: ["operation": "withdraw invite", "error": "\(error)"])
            throw .unavailable
        }
        if result.withdrawn {
            logger.info("invitation withdrawn", metadata: ["state": "\(result.invite.state)", "role": "\(result.invite.role)"])
        }
        return result
    }

    /// The invitation id of a token: the first 12 hex digits of its SHA-256,
    /// as ``invitations(includeAll:)`` lists it.
    public static func invitationID(token: String) -> String {
        String(hash(token: token).lowercaseHex.prefix(InviteRecord.idLength))
    }
}

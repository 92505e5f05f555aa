import Foundation
import Logging
public import RelayProtocol
public import RelayStore

/// Operations of the custodian's host tool (`poc-relay`), not exposed over HTTP.
extension RelayService {
    /// Creates a one-time enrolment invitation for a state and role (R1).
    /// - Parameters:
    ///   - state: The state's ISO 3166-1 alpha-3 code (`UNO` for custodians).
    ///   - role: The role the invitation enrols.
    ///   - lifetime: Seconds the invitation works; the configured 7 days by default.
    /// - Returns: The token (shown once; only its hash is stored) and its expiry.
    public func invite(state: StateCode, role: Role, lifetime: Int64? = nil) async throws(RelayFailure) -> (token: String, expiresAt: Timestamp) {
        if role == .custodian && state != .custodian {
            throw .unprocessable("Custodian invitations are for state UNO.")
        }
        let token = "poc-invite-" + Self.newToken().token
        let hash = Self.hash(token: token)
        let expires = Timestamp(now).adding(seconds: lifetime ?? configuration.inviteLifetime)
        try await storeCall("invite") {
            try await store.createInvite(tokenHash: hash, state: state.rawValue, role: role, expiresAt: expires.date, now: now)
        }
        logger.info("invitation created", metadata: ["state": "\(state)", "role": "\(role)"])
        return (token, expires)
    }

    /// Revokes a POC: its entry leaves the signed directory and its sessions stop at once.
    /// - Throws: 404 for an unknown id.
    public func revoke(pocID: POCID) async throws(RelayFailure) {
        do {
            _ = try await store.revoke(pocID: pocID.rawValue, now: now)
            callers.clear()
        } catch let error as StoreError where error.code == .notFound {
            throw .notFound
        } catch {
            throw .unavailable
        }
        // Wakes its long polls, which then end with 401 (a revocation by another
        // process is seen when the poll's wait ends).
        await notifier.notify([pocID.rawValue])
        logger.info("poc revoked", metadata: ["poc_id": "\(pocID)"])
    }

    /// The participating states with their active POCs by role.
    public func states() async throws(RelayFailure) -> [StateSummary] {
        try await storeCall("states") { try await store.listStates() }
    }

    /// Retention (section 6): deletes expired ciphertext and, past the audit
    /// period, the routing metadata.
    /// - Returns: How many bodies and metadata rows were deleted.
    @discardableResult
    public func sweepRetention() async throws(RelayFailure) -> (bodies: Int, metadata: Int) {
        let bodies = try await storeCall("expire bodies") { try await store.deleteExpiredBodies(now: now) }
        let cutoff = Timestamp(now).adding(seconds: -configuration.metadataRetention).date
        let metadata = try await storeCall("purge metadata") { try await store.purgeMetadata(olderThan: cutoff) }
        _ = try await storeCall("purge sessions") { try await store.purgeExpiredSessions(now: now) }
        _ = try await storeCall("purge challenges") { try await store.purgeExpiredChallenges(now: now) }
        // Receipted and expired ciphertext may still sit in WAL page images: truncate the log.
        try await storeCall("checkpoint") { try await store.truncateWriteAheadLog() }
        if bodies + metadata > 0 {
            logger.info("retention sweep", metadata: ["bodies_deleted": "\(bodies)", "metadata_rows_deleted": "\(metadata)"])
        }
        return (bodies, metadata)
    }
}

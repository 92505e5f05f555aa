public import Foundation
internal import GRDB
public import RelayProtocol
import Sodium

/// An enrolment invitation as the custodian sees it: never the token, which
/// the store does not hold, but an id drawn from the token's hash.
public struct InviteRecord: Sendable, Hashable {
    /// Where an invitation stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Unused and unexpired: it still works, once.
        case outstanding
        /// A POC enrolled with it.
        case used
        /// Its lifetime ended unused.
        case expired
        /// The custodian withdrew it unused.
        case withdrawn
    }

    /// How many hex digits of the token's SHA-256 make the invitation id.
    public static let idLength = 12

    /// The first ``idLength`` lowercase hex digits of the token's SHA-256.
    public let id: String
    /// ISO 3166-1 alpha-3 code of the state it enrols into (`UNO` for custodians).
    public let state: String
    /// The role it enrols.
    public let role: Role
    /// When it was created.
    public let createdAt: Date
    /// When it stops (or stopped) working. For a withdrawn one, its creation time.
    public let expiresAt: Date
    /// When a POC enrolled with it, if one did.
    public let usedAt: Date?
    /// The POC that enrolled with it, if one did.
    public let usedBy: String?
    /// Where it stands at the time it was read.
    public let status: Status

    /// The columns ``init(row:now:)`` reads.
    static let columns = "token_hash, state, role, created_at, expires_at, used_at, used_by"

    /// Reads a row of ``columns``.
    ///
    /// A withdrawn invitation is stored with `expires_at = created_at`, which
    /// no created one has (a lifetime is at least a second): enrolment then
    /// refuses it as expired, with no change to the enrolment path.
    /// - Throws: ``StoreError/Code/unreadableRow`` for a role this binary does not know.
    init(row: Row, now: Date) throws {
        let hash: Data = row["token_hash"]
        id = String(hash.lowercaseHex.prefix(Self.idLength))
        state = row["state"]
        role = try row.value("role", as: Role.self)
        let created: Int64 = row["created_at"]
        let expires: Int64 = row["expires_at"]
        createdAt = Date(unixSeconds: created)
        expiresAt = Date(unixSeconds: expires)
        usedAt = row.date("used_at")
        usedBy = row["used_by"]
        if usedAt != nil {
            status = .used
        } else if expires <= created {
            status = .withdrawn
        } else if expires <= now.unixSeconds {
            status = .expired
        } else {
            status = .outstanding
        }
    }
}

public import Foundation
internal import GRDB
public import RelayProtocol

/// A point of contact as stored: its keys, status and opaque directory fields.
public struct POCRecord: Sendable, Hashable {
    /// The server-assigned id, such as `FRA-TEC-1`.
    public let id: String
    /// ISO 3166-1 alpha-3 code of the POC's state (`UNO` for custodians).
    public let state: String
    /// Diplomatic, technical or custodian.
    public let role: Role
    /// Active or revoked.
    public let status: EntryStatus
    /// The descriptive directory fields, as the JSON text the server gave; opaque to the store.
    public let entryJSON: String
    /// The Ed25519 public key (identity).
    public let signingKey: Data
    /// The current X25519 public key (encryption).
    public let boxKey: Data
    /// The `key_created_at` string covered by ``keySignature``, byte for byte.
    public let keyCreatedAt: String
    /// The key certificate: Ed25519 signature binding ``boxKey`` to ``signingKey``.
    public let keySignature: Data
    /// When the POC enrolled.
    public let createdAt: Date
    /// When its entry, keys or status last changed.
    public let updatedAt: Date
    /// When it was revoked, if it was.
    public let revokedAt: Date?

    /// Whether ``status`` is `active`.
    public var isActive: Bool { status == .active }

    /// The columns ``init(row:)`` reads.
    static let columns = """
        poc_id, state, role, status, entry_json, signing_key, box_key,
        key_created_at, key_signature, created_at, updated_at, revoked_at
        """

    /// Reads a row of ``columns``.
    /// - Throws: ``StoreError/Code/unreadableRow`` for a role or status this binary does not know.
    init(row: Row) throws {
        id = row["poc_id"]
        state = row["state"]
        role = try row.value("role", as: Role.self)
        status = try row.value("status", as: EntryStatus.self)
        entryJSON = row["entry_json"]
        signingKey = row["signing_key"]
        boxKey = row["box_key"]
        keyCreatedAt = row["key_created_at"]
        keySignature = row["key_signature"]
        createdAt = Date(unixSeconds: row["created_at"])
        updatedAt = Date(unixSeconds: row["updated_at"])
        revokedAt = row.date("revoked_at")
    }

    /// Reads one POC inside a transaction.
    static func fetch(_ db: Database, id: String) throws -> POCRecord? {
        try Row.fetchOne(db, sql: "SELECT \(columns) FROM pocs WHERE poc_id = ?", arguments: [id])
            .map { try POCRecord(row: $0) }
    }

    /// Whether `id` is an active POC, inside a transaction (a cached statement:
    /// every session, submission and long-poll turn asks).
    static func isActive(_ db: Database, id: String) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM pocs WHERE poc_id = ? AND status = 'active')"), arguments: [id]) ?? false
    }
}

/// What a client supplies when it enrols with an invite token.
public struct NewPOC: Sendable, Hashable {
    /// The Ed25519 public key (identity). Must not belong to another POC, even a revoked one.
    public var signingKey: Data
    /// The X25519 public key (encryption).
    public var boxKey: Data
    /// The `key_created_at` string covered by the key signature.
    public var keyCreatedAt: String
    /// The key certificate (verified by the server before this call).
    public var keySignature: Data
    /// The descriptive directory fields as JSON text (validated by the server).
    public var entryJSON: String

    /// Creates the enrolment data.
    ///
    /// - Parameters:
    ///   - signingKey: The Ed25519 public key.
    ///   - boxKey: The X25519 public key.
    ///   - keyCreatedAt: The signed `key_created_at` string.
    ///   - keySignature: The key certificate signature.
    ///   - entryJSON: The descriptive directory fields as JSON text.
    public init(signingKey: Data, boxKey: Data, keyCreatedAt: String, keySignature: Data, entryJSON: String) {
        self.signingKey = signingKey
        self.boxKey = boxKey
        self.keyCreatedAt = keyCreatedAt
        self.keySignature = keySignature
        self.entryJSON = entryJSON
    }
}

/// A state that has at least one enrolled POC, with its active POCs by role.
public struct StateSummary: Sendable, Hashable {
    /// ISO 3166-1 alpha-3 code.
    public let code: String
    /// When its first POC enrolled.
    public let joinedAt: Date
    /// Number of active diplomatic POCs.
    public let activeDiplomatic: Int
    /// Number of active technical POCs.
    public let activeTechnical: Int
    /// Number of active custodian POCs.
    public let activeCustodian: Int
}

/// The directory as of one version, read in one snapshot.
public struct DirectorySnapshot: Sendable, Hashable {
    /// The directory version counter; it changes with every change to an entry.
    public let version: Int
    /// Every POC, active and revoked, sorted by id in byte order.
    public let entries: [POCRecord]
}

/// One change to a POC's keys, status or entry, kept for audit.
public struct KeyEvent: Sendable, Hashable {
    /// What changed.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The POC enrolled with its first keys.
        case enrol
        /// It rotated its encryption key.
        case rotate
        /// It was revoked.
        case revoke
        /// Its descriptive fields changed.
        case update
    }

    /// What changed.
    public let kind: Kind
    /// The box key set by an `enrol` or `rotate`, nil for the other kinds.
    public let boxKey: Data?
    /// When it happened.
    public let at: Date
}

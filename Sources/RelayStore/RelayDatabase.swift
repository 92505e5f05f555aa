internal import Foundation
internal import GRDB

/// The relay server's persistent store: one SQLite file in WAL mode.
///
/// The store never sees plaintext (message bodies are ciphertext) and never
/// sees bearer or invite tokens (the server passes their hashes). Every
/// operation is one transaction; every data operation is `async` and runs on
/// GRDB's own dispatch queues, so no cooperative thread waits on a disk sync.
/// Times are stored as whole Unix seconds: a `Date` passed in is rounded down
/// to the second.
///
/// ```swift
/// let store = try RelayStore(path: "/var/lib/poc-relay/relay.sqlite")
/// let version = try await store.directoryVersion()
/// ```
///
/// `Sendable` without `@unchecked`: the stored properties are a GRDB
/// `DatabasePool`, which GRDB declares `Sendable` (it serialises writes on one
/// connection and hands each read a connection of its own), a constant enum
/// and the background checkpointer (itself `Sendable`).
public final class RelayStore: Sendable {
    /// The one pool of this file (GRDB: one `DatabasePool` per file).
    let pool: DatabasePool
    /// Whether this store was opened read-only.
    let access: Access
    /// Checkpoints the write-ahead log off the commit path (read-write only).
    let checkpointer: WALCheckpointer?

    /// The writer's automatic checkpoint, in pages of 4 KiB (SQLite's default
    /// is 1,000). Only the writer's own checkpoint lets the next commit start
    /// the log again from its beginning, which keeps it at about 16 MiB; the
    /// background checkpointer has by then copied all but its last quarter of
    /// a second.
    public static let writerCheckpointPages = 4096
    /// How often the background checkpointer runs.
    static let checkpointInterval = DispatchTimeInterval.milliseconds(250)

    /// The identifiers of every migration this binary knows, in order.
    public static var knownMigrations: [String] { Migrations.migrator.migrations }

    /// How a store is opened.
    public enum Access: Sendable, Hashable {
        /// Create the file if needed, migrate it, and read and write (the relay and its host commands).
        case readWrite
        /// Open an existing file for reading only: never create, migrate or
        /// write it, and do not refuse a store newer than the binary (for
        /// `poc-relay check` and `backup`, which must not change what they look at).
        case readOnly
    }

    /// Opens (creating if needed) the store at a file path and migrates it.
    ///
    /// The connection settings: statement arguments never appear in errors,
    /// foreign keys on, a 5 s busy timeout, WAL, and `synchronous = FULL` on
    /// the writer so that a committed transaction survives a power cut.
    ///
    /// ```swift
    /// let inspected = try RelayStore(path: path, access: .readOnly)
    /// let findings = try await inspected.integrityCheck()
    /// ```
    ///
    /// - Parameters:
    ///   - path: The SQLite file path.
    ///   - access: ``Access/readWrite`` (the default) or ``Access/readOnly``.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/storeNewerThanBinary``
    ///   if a newer binary migrated the file (read-write only),
    ///   ``StoreError/Code/corrupt`` if the file is not an SQLite database,
    ///   ``StoreError/Code/database`` otherwise (a missing file when read-only).
    public init(path: String, access: Access = .readWrite) throws {
        var config = Configuration()
        config.publicStatementArguments = false  // never change: keeps bound values out of errors
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(5)
        config.label = "RelayStore"
        // Two cores serve the expected load; each reader holds its own page cache.
        config.maximumReaderCount = 3
        if access == .readOnly {
            config.readonly = true
            self.access = .readOnly
            do {
                self.pool = try DatabasePool(path: path, configuration: config)
            } catch {
                throw StoreError.wrapping(error)
            }
            self.checkpointer = nil
            return
        }
        // Runs on every connection GRDB opens. On the writer GRDB then enables
        // WAL and resets synchronous to NORMAL, which the explicit pragma below
        // undoes; keeping it here too means no connection ever starts at NORMAL.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // Deleted ciphertext is overwritten with zeros, not left in free pages
            // (Debian's SQLite defaults to this; other builds do not).
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // 1 MiB of page cache per connection instead of 2 MiB: the
            // operating system's file cache holds the rest (resident memory).
            try db.execute(sql: "PRAGMA cache_size = -1024")
        }
        let pool: DatabasePool
        do {
            pool = try DatabasePool(path: path, configuration: config)
        } catch {
            throw StoreError.wrapping(error)
        }
        do {
            // A DatabasePool has a single writer connection for its whole life,
            // so setting the pragma once here covers every write.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.writerCheckpointPages)")
            }
            let superseded = try pool.read { db in
                try Migrations.migrator.hasBeenSuperseded(db)
            }
            guard !superseded else {
                throw StoreError(
                    .storeNewerThanBinary,
                    reason: "the store holds migrations this binary does not know; use a newer binary")
            }
            try Migrations.migrator.migrate(pool)
            self.checkpointer = try WALCheckpointer(path: path, interval: Self.checkpointInterval)
        } catch {
            try? pool.close()
            throw StoreError.wrapping(error)
        }
        self.pool = pool
        self.access = .readWrite
    }

    /// Closes every connection. Any later call throws.
    ///
    /// - Throws: ``StoreError`` if a connection cannot be closed (it is still in use).
    public func close() throws {
        do {
            // Copy the WAL into the main file and empty it, so no page image
            // of deleted ciphertext stays in the -wal file after a clean stop.
            if access == .readWrite {
                checkpointer?.stop()
                _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            }
            try pool.close()
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// Checkpoints and truncates the write-ahead log, so the old page images
    /// it holds (deleted ciphertext among them) are gone from disk.
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func truncateWriteAheadLog() async throws {
        do {
            _ = try await pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// The writer connection's `PRAGMA synchronous` value: 2 means FULL.
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func synchronousMode() async throws -> Int {
        try await writerPragma("synchronous")
    }

    /// The writer connection's automatic checkpoint threshold, in pages
    /// (``writerCheckpointPages``).
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func writerAutocheckpointPages() async throws -> Int {
        try await writerPragma("wal_autocheckpoint")
    }

    /// An integer pragma as the writer connection has it (-1 if it has none).
    private func writerPragma(_ name: String) async throws -> Int {
        do {
            return try await pool.writeWithoutTransaction { db in
                try Int.fetchOne(db, sql: "PRAGMA \(name)") ?? -1
            }
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// The migrations applied to this file, in order (for example `["v1"]`).
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func appliedMigrations() async throws -> [String] {
        try await read { db in try Migrations.migrator.appliedMigrations(db) }
    }

    /// The migrations recorded in this file that this binary does not know,
    /// sorted: a newer binary migrated the file (empty when it did not).
    ///
    /// - Throws: ``StoreError`` on a database failure.
    public func unknownMigrations() async throws -> [String] {
        try await read { db in
            let known = Set(Migrations.migrator.migrations)
            return try Migrations.migrator.appliedIdentifiers(db).subtracting(known).sorted()
        }
    }

    /// Runs SQLite's `integrity_check` and `foreign_key_check`.
    ///
    /// - Returns: `"ok"` when both pass, otherwise their findings, one a line.
    /// - Throws: ``StoreError`` on a database failure.
    public func integrityCheck() async throws -> String {
        try await read { db in
            var findings = try String.fetchAll(db, sql: "PRAGMA integrity_check")
            if findings == ["ok"] { findings = [] }
            let violations = try Row.fetchAll(db, sql: "PRAGMA foreign_key_check")
            for row in violations {
                let table: String = row[0]
                let parent: String = row[2]
                findings.append("foreign key violation: a row of \(table) refers to a missing row of \(parent)")
            }
            return findings.isEmpty ? "ok" : findings.joined(separator: "\n")
        }
    }

    /// Copies the whole store, online, into a new SQLite file.
    ///
    /// Writers may go on meanwhile; the copy is one consistent snapshot (one
    /// read transaction, copied in a single backup step). The copy is left in
    /// rollback-journal mode, so it is one self-contained file that any tool
    /// can copy; a relay opening it turns WAL back on.
    ///
    /// - Parameters:
    ///   - path: Where to write the copy; no file may exist there yet.
    /// - Throws: ``StoreError`` with code ``StoreError/Code/invalidArgument`` if
    ///   a file exists at `path`, or on a database failure.
    public func backup(to path: String) async throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.invalidArgument, reason: "the backup target file exists already")
        }
        do {
            let destination = try DatabaseQueue(path: path)
            try await pool.read { db in
                try destination.writeWithoutTransaction { destinationDB in
                    try db.backup(to: destinationDB)
                    try destinationDB.execute(sql: "PRAGMA journal_mode = DELETE")
                }
            }
            try destination.close()
        } catch {
            throw StoreError.wrapping(error)
        }
    }
}

extension RelayStore {
    /// Runs `updates` in one write transaction; GRDB errors become ``StoreError``.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(updates)
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// Runs `value` in one read transaction (a snapshot); GRDB errors become ``StoreError``.
    func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch {
            throw StoreError.wrapping(error)
        }
    }

    /// Adds one to the directory version (inside the caller's transaction).
    static func bumpDirectoryVersion(_ db: Database) throws {
        try db.execute(
            sql: "UPDATE meta SET value = value + 1 WHERE key = ?",
            arguments: [Migrations.directoryVersionKey])
        guard db.changesCount == 1 else {
            throw StoreError(.corrupt, reason: "the directory version counter is missing")
        }
    }
}

extension RelayStore {
    /// Test hook: runs raw SQL (no arguments) on the writer, outside of a
    /// transaction, to simulate what the API cannot produce (a store migrated
    /// by a newer binary, a broken foreign key). Internal, so only
    /// `@testable import` reaches it.
    func executeForTesting(sql: String) async throws {
        do {
            try await pool.writeWithoutTransaction { db in try db.execute(sql: sql) }
        } catch {
            throw StoreError.wrapping(error)
        }
    }
}

import Foundation
import GRDB
import RelayProtocol
import Sodium
import Testing

@testable import RelayStore

@Suite("Opening, durability, migrations, maintenance")
struct DatabaseTests {
    @Test("synchronous is FULL after open, after writes and after reopen")
    func synchronousFull() async throws {
        try await withTemporaryDirectory { directory in
            let path = storePath(in: directory)
            let store = try RelayStore(path: path)
            #expect(try await store.synchronousMode() == 2)
            try await enrol(store, state: "FRA", role: .technical)
            #expect(try await store.synchronousMode() == 2)
            try store.close()

            let reopened = try RelayStore(path: path)
            #expect(try await reopened.synchronousMode() == 2)
            try await enrol(reopened, state: "FRA", role: .technical)
            #expect(try await reopened.synchronousMode() == 2)
            try reopened.close()
        }
    }

    @Test("a fetch mark is read at once, keeps the first time, and leaves the writer at FULL")
    func fetchMarks() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical), b = try await enrol(store, state: "DEU", role: .technical)
            _ = try await store.submit(envelope: envelope(id: "m1", from: a.id, to: [b.id]), now: t0)
            try await store.markFetched([FetchMark(recipient: b.id, messageIDs: ["m1"])], now: t0.addingTimeInterval(3))
            try await store.markFetched([FetchMark(recipient: b.id, messageIDs: ["m1"])], now: t0.addingTimeInterval(9))
            let status = try #require(try await store.messageStatus(id: "m1"))
            #expect(status.recipients.first?.fetchedAt == t0.addingTimeInterval(3))
            #expect(try await store.synchronousMode() == 2)
        }
    }

    @Test("the write-ahead log is checkpointed in the background before the writer's own checkpoint is due")
    func backgroundCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            let path = storePath(in: directory)
            let store = try RelayStore(path: path)
            #expect(try await store.writerAutocheckpointPages() == RelayStore.writerCheckpointPages)
            let a = try await enrol(store, state: "FRA", role: .technical), b = try await enrol(store, state: "DEU", role: .technical)
            func mainFileSize() throws -> Int {
                (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            }
            let before = try mainFileSize()
            // About 200 pages: well under the writer's own automatic checkpoint.
            for batch in 0..<10 {
                let items = (0..<10).map { index in envelope(id: "m\(batch)-\(index)", from: a.id, to: [b.id], body: randomBytes(8192)) }
                _ = try await store.submit(batch: items, now: t0)
            }
            let deadline = ContinuousClock.now + .seconds(10)
            while try mainFileSize() < before + 100 * 8192, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try mainFileSize() >= before + 100 * 8192, "the main file did not receive the log's pages")
            try store.close()
        }
    }

    @Test("migrations apply once and reopening keeps data and applied list")
    func migrationsIdempotent() async throws {
        try await withTemporaryDirectory { directory in
            let path = storePath(in: directory)
            let store = try RelayStore(path: path)
            #expect(try await store.appliedMigrations() == ["v1", "v2-body-sha256", "v3-alerts"])
            #expect(RelayStore.knownMigrations == ["v1", "v2-body-sha256", "v3-alerts"])
            let poc = try await enrol(store, state: "FRA", role: .technical)
            try store.close()

            for _ in 0..<2 {
                let reopened = try RelayStore(path: path)
                #expect(try await reopened.appliedMigrations() == ["v1", "v2-body-sha256", "v3-alerts"])
                #expect(try await reopened.poc(id: poc.id) == poc)
                #expect(try await reopened.directoryVersion() == 1)
                try reopened.close()
            }
        }
    }

    @Test("v2 stores each body's SHA-256, filled in for the bodies a v1 store holds")
    func bodyDigestMigration() async throws {
        try await withTemporaryDirectory { directory in
            let path = storePath(in: directory)
            // A store as the v1 binary left it, with a waiting and a receipted message.
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(queue, upTo: "v1")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO states (code, joined_at) VALUES ('FRA', 0)")
                try db.execute(
                    sql: """
                        INSERT INTO pocs (poc_id, state, role, status, entry_json, signing_key, box_key, key_created_at,
                            key_signature, created_at, updated_at)
                        VALUES ('FRA-TEC-1', 'FRA', 'technical', 'active', '{}', x'01', x'02', 't', x'03', 0, 0)
                        """)
                for (id, body) in [("waiting", "sealed-body"), ("gone", nil as String?)] {
                    try db.execute(
                        sql: """
                            INSERT INTO envelopes (id, sender, urgency, urgency_rank, exercise, commitment, body, body_size,
                                envelope_hash, accepted_at, expires_at, body_deleted_at)
                            VALUES (?, 'FRA-TEC-1', 'flash', 0, 0, x'00', ?, 11, x'00', 0, 99, ?)
                            """, arguments: [id, body.map { Data($0.utf8) }, body == nil ? 5 : nil])
                    try db.execute(
                        sql:
                            "INSERT INTO deliveries (message_id, recipient, urgency_rank, accepted_at, wrapped_key) VALUES (?, 'FRA-TEC-1', 0, 0, x'00')",
                        arguments: [id])
                }
            }
            try queue.close()

            let store = try RelayStore(path: path)
            defer { try? store.close() }
            #expect(try await store.appliedMigrations() == ["v1", "v2-body-sha256", "v3-alerts"])
            #expect(try await store.bodyDigestForReceipt(messageID: "waiting", recipient: "FRA-TEC-1") == SHA256.hash(Data("sealed-body".utf8)))
            #expect(try await store.bodyDigestForReceipt(messageID: "gone", recipient: "FRA-TEC-1") == nil)
        }
    }

    @Test("a store migrated by a newer binary is refused")
    func newerStoreRefused() async throws {
        try await withTemporaryDirectory { directory in
            let path = storePath(in: directory)
            let store = try RelayStore(path: path)
            try await store.executeForTesting(
                sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2-from-the-future')")
            try store.close()

            let error = #expect(throws: StoreError.self) { try RelayStore(path: path) }
            #expect(error?.code == .storeNewerThanBinary)
        }
    }

    @Test("a file that is not a database is reported corrupt")
    func notADatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = storePath(in: directory)
            try Data(String(repeating: "not a database ", count: 400).utf8).write(to: URL(fileURLWithPath: path))
            let error = #expect(throws: StoreError.self) { try RelayStore(path: path) }
            #expect(error?.code == .corrupt)
        }
    }

    @Test("integrity check answers ok on a store with data")
    func integrityOK() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical)
            let b = try await enrol(store, state: "DEU", role: .technical)
            _ = try await store.submit(envelope: envelope(id: "m1", from: a.id, to: [b.id]), now: t0)
            #expect(try await store.integrityCheck() == "ok")
        }
    }

    @Test("integrity check reports a foreign key violation")
    func integrityReportsViolation() async throws {
        try await withStore { store, _ in
            try await store.executeForTesting(
                sql: """
                    PRAGMA foreign_keys = OFF;
                    INSERT INTO sessions (token_hash, poc_id, created_at, expires_at) VALUES (x'01', 'NOBODY', 0, 1);
                    PRAGMA foreign_keys = ON;
                    """)
            let report = try await store.integrityCheck()
            #expect(report != "ok")
            #expect(report.contains("sessions"))
        }
    }

    @Test("an online backup restores the rows")
    func backupRestores() async throws {
        try await withStore { store, directory in
            let a = try await enrol(store, state: "FRA", role: .technical)
            let b = try await enrol(store, state: "DEU", role: .technical)
            _ = try await store.submit(envelope: envelope(id: "m1", from: a.id, to: [b.id]), now: t0)
            let backupPath = storePath(in: directory, name: "backup.sqlite")
            try await store.backup(to: backupPath)
            // Writes after the backup are not in it.
            try await enrol(store, state: "ITA", role: .technical)

            let restored = try RelayStore(path: backupPath)
            #expect(try await restored.allPOCs().map(\.id) == [b.id, a.id])
            #expect(try await restored.directoryVersion() == 2)
            #expect(try await restored.messageStatus(id: "m1")?.recipients.map(\.pocID) == [b.id])
            #expect(try await restored.fetchInbox(recipient: b.id, limit: 10, now: t0).map(\.id) == ["m1"])
            #expect(try await restored.integrityCheck() == "ok")
            try restored.close()

            let error = await #expect(throws: StoreError.self) { try await store.backup(to: backupPath) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("StoreError compares by code only and its description names the code")
    func storeErrorEquality() {
        let one = StoreError(.notFound, reason: "one")
        let two = StoreError(.notFound, reason: "two")
        #expect(one == two)
        #expect(one != StoreError(.duplicate, reason: "one"))
        #expect(one.description.contains("notFound"))
    }
}

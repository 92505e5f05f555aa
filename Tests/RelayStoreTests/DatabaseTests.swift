import Foundation
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
            try await enrol(store, state: "FRA", role: "technical")
            #expect(try await store.synchronousMode() == 2)
            try store.close()

            let reopened = try RelayStore(path: path)
            #expect(try await reopened.synchronousMode() == 2)
            try await enrol(reopened, state: "FRA", role: "technical")
            #expect(try await reopened.synchronousMode() == 2)
            try reopened.close()
        }
    }

    @Test("a fetch mark commits unsynced, is read at once, and leaves the writer at FULL, also when an unsynced write fails")
    func unsyncedFetchMarks() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: "technical"), b = try await enrol(store, state: "DEU", role: "technical")
            _ = try await store.submit(envelope: envelope(id: "m1", from: a.id, to: [b.id]), now: t0)
            try await store.markFetched([FetchMark(recipient: b.id, messageIDs: ["m1"])], now: t0.addingTimeInterval(3))
            let status = try #require(try await store.messageStatus(id: "m1"))
            #expect(status.recipients.first?.fetchedAt == t0.addingTimeInterval(3))
            #expect(try await store.synchronousMode() == 2)

            struct Refused: Error {}
            await #expect(throws: StoreError.self) {
                try await store.writeUnsynced { _ in throw Refused() }
            }
            #expect(try await store.synchronousMode() == 2)
        }
    }

    @Test("the write-ahead log is checkpointed in the background before the writer's own checkpoint is due")
    func backgroundCheckpoints() async throws {
        try await withTemporaryDirectory { directory in
            let path = storePath(in: directory)
            let store = try RelayStore(path: path)
            #expect(try await store.writerAutocheckpointPages() == RelayStore.writerCheckpointPages)
            let a = try await enrol(store, state: "FRA", role: "technical"), b = try await enrol(store, state: "DEU", role: "technical")
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
            #expect(try await store.appliedMigrations() == ["v1"])
            #expect(RelayStore.knownMigrations == ["v1"])
            let poc = try await enrol(store, state: "FRA", role: "technical")
            try store.close()

            for _ in 0..<2 {
                let reopened = try RelayStore(path: path)
                #expect(try await reopened.appliedMigrations() == ["v1"])
                #expect(try await reopened.poc(id: poc.id) == poc)
                #expect(try await reopened.directoryVersion() == 1)
                try reopened.close()
            }
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
            let a = try await enrol(store, state: "FRA", role: "technical")
            let b = try await enrol(store, state: "DEU", role: "technical")
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
            let a = try await enrol(store, state: "FRA", role: "technical")
            let b = try await enrol(store, state: "DEU", role: "technical")
            _ = try await store.submit(envelope: envelope(id: "m1", from: a.id, to: [b.id]), now: t0)
            let backupPath = storePath(in: directory, name: "backup.sqlite")
            try await store.backup(to: backupPath)
            // Writes after the backup are not in it.
            try await enrol(store, state: "ITA", role: "technical")

            let restored = try RelayStore(path: backupPath)
            #expect(try await restored.allPOCs().map(\.id) == [b.id, a.id])
            #expect(try await restored.directoryVersion() == 2)
            #expect(try await restored.messageStatus(id: "m1")?.recipients.map(\.pocID) == [b.id])
            #expect(try await restored.inbox(recipient: b.id, limit: 10, now: t0).map(\.id) == ["m1"])
            #expect(try await restored.integrityCheck() == "ok")
            try restored.close()

            let error = await #expect(throws: StoreError.self) { try await store.backup(to: backupPath) }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test("nearest-rank percentiles")
    func nearestRank() {
        let values: [Int64] = Array(1...20)
        #expect(RelayStore.nearestRank(values, percent: 50) == 10)
        #expect(RelayStore.nearestRank(values, percent: 95) == 19)
        #expect(RelayStore.nearestRank([7], percent: 95) == 7)
        #expect(RelayStore.nearestRank([3, 9], percent: 50) == 3)
        #expect(RelayStore.nearestRank([], percent: 50) == nil)
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

import CSodium
import Foundation
import GRDB
import RelayTestSupport

/// The physical limits the relay's figures are read against, measured on the
/// same machine and disk in the same run: durable SQLite commits (WAL,
/// `synchronous = FULL`, as the relay's store) and libsodium's sealed box.
struct LimitsBenchmark {
    let runs: Int
    let secondsPerRun: Double

    struct Report: Codable {
        /// Commits per second with one 2 KiB row per transaction.
        let sqliteCommitsPerSecond: Summary
        /// Rows per second with 100 rows of 2 KiB per transaction.
        let sqliteBatchedRowsPerSecond: Summary
        /// Commits per second with 100 rows per transaction.
        let sqliteBatchedCommitsPerSecond: Summary
        /// `crypto_box_seal` of 32 bytes per second, one thread.
        let sealsPerSecond: Summary
        /// Envelopes per second through `RelayStore.submit(batch:)`, 32 per commit (``StoreLimit``).
        let storeEnvelopesPerSecond: Summary
        /// CPU time per envelope meanwhile (writer and checkpoints).
        let storeCPUMicrosecondsPerEnvelope: Summary

        var table: String {
            [
                "limits: physical ceilings on this machine, medians (min-max) of runs",
                "  sqlite commit, 1 row (2 KiB) per transaction, FULL   \(sqliteCommitsPerSecond.text) commits/s",
                "  sqlite commit, 100 rows per transaction, FULL        \(sqliteBatchedRowsPerSecond.text) rows/s "
                    + "(\(sqliteBatchedCommitsPerSecond.text) commits/s)",
                "  crypto_box_seal of 32 bytes, one thread              \(sealsPerSecond.text) seals/s",
                "  relay store path, 32 envelopes (2 KiB) per commit    \(storeEnvelopesPerSecond.text) envelopes/s, "
                    + "CPU \(storeCPUMicrosecondsPerEnvelope.text(0)) µs per envelope (RelayStore.submit(batch:), 1,000 POCs, no HTTP)",
            ].joined(separator: "\n")
        }
    }

    func run() async throws -> Report {
        let directory = try TemporaryDirectory(prefix: "poc-relay-limits")
        defer { directory.remove() }
        var single: [Double] = [], batched: [Double] = [], seals: [Double] = []
        var stores: [StoreLimit.Run] = []
        for run in 0..<runs {
            single.append(try commitRate(path: directory.file("single-\(run).sqlite"), rowsPerTransaction: 1))
            batched.append(try commitRate(path: directory.file("batched-\(run).sqlite"), rowsPerTransaction: 100))
            seals.append(sealRate())
            stores.append(try await StoreLimit(secondsPerRun: secondsPerRun).run(path: directory.file("store-\(run).sqlite")))
        }
        return Report(
            sqliteCommitsPerSecond: Summary(single), sqliteBatchedRowsPerSecond: Summary(batched),
            sqliteBatchedCommitsPerSecond: Summary(batched.map { $0 / 100 }), sealsPerSecond: Summary(seals),
            storeEnvelopesPerSecond: Summary(stores.map(\.envelopesPerSecond)),
            storeCPUMicrosecondsPerEnvelope: Summary(stores.map(\.cpuMicrosecondsPerEnvelope)))
    }

    /// Rows committed per second into a fresh WAL file with `synchronous = FULL`.
    func commitRate(path: String, rowsPerTransaction: Int) throws -> Double {
        var configuration = Configuration()
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let pool = try DatabasePool(path: path, configuration: configuration)
        defer { try? pool.close() }
        // GRDB resets the writer to NORMAL after enabling WAL: set FULL again, as RelayStore does.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let synchronous = try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        guard synchronous == 2 else { throw BenchmarkError("the limits database is not at synchronous = FULL") }
        try pool.write { db in try db.execute(sql: "CREATE TABLE rows (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        let body = Data((0..<2048).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let transactions = try operationsPerSecond(seconds: secondsPerRun) {
            try pool.write { db in
                for _ in 0..<rowsPerTransaction {
                    try db.execute(sql: "INSERT INTO rows (body) VALUES (?)", arguments: [body])
                }
            }
        }
        return transactions * Double(rowsPerTransaction)
    }

    /// `crypto_box_seal` of a 32-byte key per second (what sealing does once per recipient).
    func sealRate() -> Double {
        var publicKey = [UInt8](repeating: 0, count: 32), secretKey = [UInt8](repeating: 0, count: 32)
        _ = crypto_box_keypair(&publicKey, &secretKey)
        let key = [UInt8](repeating: 7, count: 32)
        var sealed = [UInt8](repeating: 0, count: 32 + Int(crypto_box_sealbytes()))
        return operationsPerSecond(seconds: secondsPerRun) {
            _ = crypto_box_seal(&sealed, key, 32, publicKey)
        }
    }
}

/// A benchmark that cannot go on, with the reason.
struct BenchmarkError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

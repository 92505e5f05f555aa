import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file in the background, so
/// that no commit waits for a checkpoint.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold and, with `synchronous = FULL`, syncs the database file too: one
/// submission in several hundred waited for it, which set the p99 of the
/// relay's latency and cost the writer about a quarter of its throughput.
/// This connection of its own runs a PASSIVE checkpoint every `interval`
/// instead: it takes no write lock, so the writer and the readers go on
/// meanwhile. The writer keeps an automatic checkpoint as a backstop, at
/// ``RelayStore/walBackstopPages``, should this one fall behind.
final class WALCheckpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "RelayStore.checkpointer", qos: .utility)
    private let interval: DispatchTimeInterval
    private let stopped = Mutex(false)

    /// Opens the checkpointing connection and starts the schedule.
    init(path: String, interval: DispatchTimeInterval) throws {
        var config = Configuration()
        config.publicStatementArguments = false
        config.label = "RelayStore.checkpointer"
        config.prepareDatabase { db in
            // The checkpoint syncs the log before copying it and the file after.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -64")
        }
        connection = try DatabaseQueue(path: path, configuration: config)
        self.interval = interval
        schedule()
    }

    private func schedule() {
        queue.asyncAfter(deadline: .now() + interval) { [weak self] in
            guard let self, !self.stopped.withLock({ $0 }) else { return }
            // SQLITE_BUSY (another checkpoint running, such as the retention
            // sweep's truncation) just means: next time.
            _ = try? self.connection.writeWithoutTransaction { db in try db.checkpoint(.passive) }
            self.schedule()
        }
    }

    /// Stops the schedule, waits for a checkpoint in progress and closes the connection.
    func stop() {
        stopped.withLock { $0 = true }
        queue.sync {}
        try? connection.close()
    }
}

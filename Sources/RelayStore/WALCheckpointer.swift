import Foundation
import GRDB
import Synchronization

/// Copies the write-ahead log into the database file in the background, so
/// that commits rarely wait for a checkpoint.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its
/// threshold (1,000 pages) and, with `synchronous = FULL`, syncs the database
/// file too: that submission waited for a thousand pages to be copied, which
/// set the p99 of the relay's latency and cost about a quarter of its
/// throughput. This connection of its own runs a PASSIVE checkpoint every
/// `interval`: it takes no write lock, so the writer and the readers go on
/// meanwhile. The writer keeps its automatic checkpoint
/// (``RelayStore/writerCheckpointPages``): only a checkpoint with no writer
/// running lets the next commit start the log from its beginning (without it
/// the log grew past 100 MB under load, and reads and throughput slowed), and
/// by then all but the pages of the last `interval` are copied already.
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

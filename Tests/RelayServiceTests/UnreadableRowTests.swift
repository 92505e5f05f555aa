import Foundation
import GRDB
import Logging
import Metrics
import MetricsTestKit
import RelayProtocol
import RelayStore
import RelayTestSupport
import Sodium
import Synchronization
import Testing

@testable import RelayService

/// The metrics of this test process, bootstrapped once (the metrics system is global).
let testMetrics: TestMetrics = {
    let metrics = TestMetrics()
    MetricsSystem.bootstrap(metrics)
    return metrics
}()

/// Keeps every log message, for checks on what the service says.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    /// Every message so far.
    var messages: [String] { lines.withLock { $0 } }

    /// A logger writing here.
    var logger: Logger {
        Logger(label: "test") { _ in Handler(capture: self) }
    }

    fileprivate func append(_ line: String) { lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            capture.append("\(event.level) \(event.message) \(event.metadata ?? [:])")
        }
    }
}

@Suite("Unreadable stored rows")
struct UnreadableRowTests {
    @Test("a row the store cannot read fails the request with 503, is logged and counted, and is never skipped")
    func unreadableRoleIsAnErrorNotAnOmission() async throws {
        let metrics = testMetrics
        let directory = try TemporaryDirectory(prefix: "relay-unreadable-test")
        defer { directory.remove() }
        let path = directory.file("relay.sqlite")
        let store = try RelayStore(path: path)
        defer { try? store.close() }
        let log = LogCapture()
        let service = RelayService(store: store, relayKey: SigningKeyPair(), logger: log.logger)
        _ = try await service.enrolAndLogIn("FRA")
        _ = try await service.enrolAndLogIn("DEU")
        #expect(try await service.directory().entries.count == 2)
        #expect(try await service.startCampaign().pinged == 2)
        let before = (try? metrics.expectCounter("relay_store_unreadable_rows_total").totalValue) ?? 0

        // What a newer binary or a damaged file might hold, written past the schema's checks.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE pocs SET role = 'observer' WHERE poc_id = 'DEU-TEC-1'")
        }
        try queue.close()

        // The directory is not served with DEU missing from it: it is not served at all.
        await expectFailure(503) { try await service.directory() }
        await expectFailure(503) { try await service.pingAudit(for: nil) }
        let after = try metrics.expectCounter("relay_store_unreadable_rows_total").totalValue
        #expect(after - before == 2)
        #expect(log.messages.contains { $0.contains("unreadable stored row") && $0.contains("role") })
    }
}

import Foundation
import ProcessLaunch
import RelayClient
import RelayProtocol
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Synchronization
import Testing

/// Every message a sender saw accepted, with when its 201 arrived.
final class AcceptedLog: Sendable {
    struct Entry: Sendable {
        let id: MessageID
        let recipients: [POCID]
        let submittedAt: ContinuousClock.Instant
        let answeredAt: ContinuousClock.Instant
    }
    private let entries = Mutex<[Entry]>([])
    private let stopped = Atomic<Bool>(false)
    func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
    var all: [Entry] { entries.withLock { $0 } }
    var count: Int { entries.withLock { $0.count } }
    /// Tells the senders to stop.
    func stop() { stopped.store(true, ordering: .relaxed) }
    var isStopped: Bool { stopped.load(ordering: .relaxed) }
}

@Suite("backup and restore through the poc-relay binary", .timeLimit(.minutes(2)))
struct BackupTests {
    @Test("a backup taken under write load restores to a relay that serves every message accepted before it began")
    func backupUnderLoad() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.file("data"), restored = directory.file("restored"), backup = directory.file("backup")
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let log = AcceptedLog()
            var backupBegan = ContinuousClock.now, backupEnded = ContinuousClock.now
            let (senders, recipients, relayID) = try await withRelay(dataDirectory: data) { relay, api in
                var senders: [TestPOC] = []
                for state in ["FRA", "DEU", "ITA", "ESP"] { senders.append(try await relay.enrol(state, .technical, api: api)) }
                let recipients = [try await relay.enrol("KOR", .technical, api: api), try await relay.enrol("JPN", .technical, api: api)]
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (index, sender) in senders.enumerated() {
                        group.addTask {
                            var sent = 0
                            while !log.isStopped && !Task.isCancelled && sent < 1500 {
                                let to = sent % 3 == 2 ? recipients : [recipients[(index + sent) % 2]]
                                let body = String(repeating: "x", count: 256 + (sent % 7) * 4096)
                                let envelope = try sender.seal(to: to, subject: "load \(index)-\(sent)", body: body)
                                let submittedAt = ContinuousClock.now
                                let (_, created) = try await sender.session.submit(envelope)
                                #expect(created)
                                log.append(.init(id: envelope.id, recipients: to.map(\.id), submittedAt: submittedAt, answeredAt: .now))
                                sent += 1
                            }
                        }
                    }
                    // Let the load build up, back up while it goes on, and keep it going a little after.
                    while log.count < 200 { try await Task.sleep(for: .milliseconds(20)) }
                    backupBegan = .now
                    let run = try await pocRelay(["backup", "--data-dir", data, "--to", backup, "--include-key"])
                    backupEnded = .now
                    #expect(run.status == 0, "\(run)")
                    try await Task.sleep(for: .milliseconds(300))
                    log.stop()
                    try await group.waitForAll()
                }
                return (senders, recipients, relay.service.relayID)
            }

            let accepted = log.all
            let before = accepted.filter { $0.answeredAt < backupBegan }
            // Submissions in flight while the backup ran: the relay was writing meanwhile.
            let overlapping = accepted.filter { $0.submittedAt < backupEnded && $0.answeredAt > backupBegan }
            #expect(before.count >= 200)
            #expect(
                overlapping.count >= 4,
                "\(overlapping.count) submissions overlapped the backup (\(backupEnded - backupBegan)): the test did not load the relay")
            #expect(accepted.count > before.count)

            // The backup folder: private files and a manifest.
            for name in ["relay.sqlite", "relay.key", "backup.json"] {
                #expect(try mode(of: (backup as NSString).appendingPathComponent(name)) == 0o600, "\(name)")
            }
            #expect(try mode(of: backup) == 0o700)
            let manifest = try #require(FileManager.default.contents(atPath: (backup as NSString).appendingPathComponent("backup.json")))
            let fields = try #require(try JSONSerialization.jsonObject(with: manifest) as? [String: Any])
            #expect(fields["relay_id"] as? String == relayID)
            #expect(fields["includes_key"] as? Bool == true)
            #expect(fields["migrations"] as? [String] == RelayStore.knownMigrations)

            let restore = try await pocRelay(["restore", "--data-dir", restored, "--from", backup])
            #expect(restore.status == 0, "\(restore)")
            #expect(restore.standardError.isEmpty, "\(restore)")

            // A relay on the restored directory has the same identity and serves every message accepted before the backup began.
            try await withRelay(dataDirectory: restored) { relay, api in
                #expect(relay.service.relayID == relayID)
                let keys = Dictionary(uniqueKeysWithValues: senders.map { ($0.id, $0.identity.publicKey) })
                for recipient in recipients {
                    let session = RelaySession(api: api, identity: recipient.identity, pocID: recipient.id, relayID: relayID)
                    var drained: Set<MessageID> = []
                    while true {
                        let inbox = try await session.inbox(wait: 0, limit: 100)
                        if inbox.messages.isEmpty { break }
                        for message in inbox.messages {
                            let opened = try recipient.open(message, senderKey: try #require(keys[message.from]))
                            #expect(opened.inner.to.contains(recipient.id))
                            drained.insert(message.id)
                            try await session.sendReceipt(for: message)
                        }
                    }
                    let expected = Set(before.filter { $0.recipients.contains(recipient.id) }.map(\.id))
                    let missing = expected.subtracting(drained)
                    #expect(
                        missing.isEmpty, "\(missing.count) of \(expected.count) messages accepted before the backup are missing for \(recipient.id)")
                    let everAccepted = Set(accepted.filter { $0.recipients.contains(recipient.id) }.map(\.id))
                    #expect(drained.isSubset(of: everAccepted), "the restored relay served messages nobody sent")
                }
            }
        }
    }

    @Test("restore refuses a data directory that holds a relay unless --force, and any directory a relay serves")
    func restoreRefusals() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.file("data"), backup = directory.file("backup"), other = directory.file("other")
            let initialised = try await pocRelay(["init", "--data-dir", data])
            try #require(initialised.status == 0, "\(initialised)")
            let invited = try await pocRelay(["invite", "--data-dir", data, "--state", "FRA", "--role", "technical"])
            try #require(invited.status == 0, "\(invited)")
            let backedUp = try await pocRelay(["backup", "--data-dir", data, "--to", backup])
            try #require(backedUp.status == 0, "\(backedUp)")
            #expect(!FileManager.default.fileExists(atPath: (backup as NSString).appendingPathComponent("relay.key")))

            // Into a directory holding a relay: refused without --force, nothing changed.
            let storeBefore = try Data(contentsOf: URL(fileURLWithPath: (data as NSString).appendingPathComponent("relay.sqlite")))
            let refused = try await pocRelay(["restore", "--data-dir", data, "--from", backup])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.errorLines.count == 1, "\(refused)")
            #expect(refused.standardError.contains("is not empty") && refused.standardError.contains("--force"), "\(refused)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: (data as NSString).appendingPathComponent("relay.sqlite"))) == storeBefore)

            // With --force, and the same relay's key in place (the backup has none): restored.
            let forced = try await pocRelay(["restore", "--data-dir", data, "--from", backup, "--force"])
            #expect(forced.status == 0, "\(forced)")
            #expect(forced.standardOutput.contains("relay.key     kept (same relay id)"), "\(forced)")

            // Another relay's key in the target: refused even with --force.
            #expect(try await pocRelay(["init", "--data-dir", other]).status == 0)
            let wrongKey = try await pocRelay(["restore", "--data-dir", other, "--from", backup, "--force"])
            #expect(wrongKey.status == 1, "\(wrongKey)")
            #expect(wrongKey.standardError.contains("is the key of relay"), "\(wrongKey)")

            // A key-less backup into an empty directory: restored, with a warning about the key.
            let fresh = directory.file("fresh")
            let keyless = try await pocRelay(["restore", "--data-dir", fresh, "--from", backup])
            #expect(keyless.status == 0, "\(keyless)")
            #expect(keyless.errorLines.count == 1 && keyless.standardError.contains("has no relay.key"), "\(keyless)")

            // While `serve` runs on the directory: refused even with --force.
            let server = try ServeProcess(["--data-dir", data, "--http", "--port", "0"])
            #expect(try await server.waitUntilServing(), "\(server.standardError)")
            let live = try await pocRelay(["restore", "--data-dir", data, "--from", backup, "--force"])
            #expect(live.status == 1, "\(live)")
            #expect(live.standardError.contains("a relay is serving"), "\(live)")
            // A second serve on the same directory is refused too.
            let second = try await pocRelay(["serve", "--data-dir", data, "--http", "--port", "0"])
            #expect(second.status == 1, "\(second)")
            #expect(second.standardError.contains("another poc-relay serve is running"), "\(second)")
            await server.stop()
            #expect(server.child.exitStatus == 0, "\(server.standardError)")
        }
    }

    @Test("restore checks what it restores: a damaged backup is refused and nothing is replaced")
    func damagedBackupRefused() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.file("data"), backup = directory.file("backup"), target = directory.file("target")
            #expect(try await pocRelay(["init", "--data-dir", data]).status == 0)
            for state in ["FRA", "DEU", "ITA"] {
                #expect(try await pocRelay(["invite", "--data-dir", data, "--state", state, "--role", "technical"]).status == 0)
            }
            #expect(try await pocRelay(["backup", "--data-dir", data, "--to", backup, "--include-key"]).status == 0)
            let copy = (backup as NSString).appendingPathComponent("relay.sqlite")
            try damage(copy)
            let refused = try await pocRelay(["restore", "--data-dir", target, "--from", backup])
            #expect(refused.status == 1, "\(refused)")
            #expect(refused.errorLines.count == 1, "\(refused)")
            #expect(refused.standardError.contains("backup's store"), "\(refused)")
            #expect(names(in: target).isEmpty, "a refused restore left \(names(in: target))")
        }
    }
}

/// The names in a folder.
func names(in folder: String) -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() }

/// Overwrites every page but the first of an SQLite file with garbage, so
/// the header still says SQLite but the b-trees are broken.
func damage(_ path: String) throws {
    let handle = try #require(FileHandle(forUpdatingAtPath: path))
    defer { try? handle.close() }
    let size = try handle.seekToEnd()
    try #require(size > 4096, "the store is too small to damage")
    try handle.seek(toOffset: 4096)
    try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(size) - 4096))
}

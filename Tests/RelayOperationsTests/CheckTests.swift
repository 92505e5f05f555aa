import Foundation
import GRDB
import ProcessLaunch
import RelayServer
import RelayStore
import RelayTestSupport
import Testing

@Suite("poc-relay check, and stores newer than the binary", .timeLimit(.minutes(1)))
struct CheckTests {
    /// `init` into `directory/data`; returns the data directory.
    static func initialised(_ directory: TemporaryDirectory) async throws -> String {
        let data = directory.file("data")
        let run = try await pocRelay(["init", "--data-dir", data])
        try #require(run.status == 0, "\(run)")
        return data
    }

    @Test("a good data directory and certificate: exit 0, one ok line per check, nothing on standard error")
    func goodDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let data = try await Self.initialised(directory)
            let certificate = try DevCertificates.shared.get().server.certificateChainPath
            let run = try await pocRelay(["check", "--data-dir", data, "--tls-cert", certificate])
            #expect(run.status == 0, "\(run)")
            #expect(run.standardError.isEmpty, "\(run)")
            #expect(run.standardOutput.contains("ok: relay.key mode 0600"), "\(run)")
            #expect(run.standardOutput.contains("ok: schema \(RelayStore.knownMigrations.joined(separator: ", ")), as this binary"), "\(run)")
            #expect(run.standardOutput.contains("ok: store integrity"), "\(run)")
            #expect(run.standardOutput.contains("ok: TLS certificate valid for"), "\(run)")
            // Read-only: check never migrates, writes or creates a store.
            let missing = try await pocRelay(["check", "--data-dir", directory.file("nothing-here")])
            #expect(missing.status == 2, "\(missing)")
            #expect(
                missing.errorLines == [
                    "poc-relay: problem: \(directory.file("nothing-here")) is not a data directory (run `poc-relay init --data-dir \(directory.file("nothing-here"))`)"
                ])
            #expect(!FileManager.default.fileExists(atPath: directory.file("nothing-here")))
        }
    }

    @Test("a key other users can read is a problem: exit 2, one line naming the fix")
    func keyPermissions() async throws {
        try await withTemporaryDirectory { directory in
            let data = try await Self.initialised(directory)
            let key = (data as NSString).appendingPathComponent("relay.key")
            #expect(chmod(key, 0o644) == 0)
            let run = try await pocRelay(["check", "--data-dir", data])
            #expect(run.status == 2, "\(run)")
            #expect(run.errorLines == ["poc-relay: problem: \(key) is mode 0644: other users can read it; run `chmod 600 \(key)`"], "\(run)")
            // The relay itself refuses to start with it.
            let serve = try await pocRelay(["serve", "--data-dir", data, "--http", "--port", "0"])
            #expect(serve.status == 1 && serve.standardError.contains("readable by other users"), "\(serve)")
        }
    }

    @Test("a damaged store is a problem: exit 2, every line a problem naming the store")
    func damagedStore() async throws {
        try await withTemporaryDirectory { directory in
            let data = try await Self.initialised(directory)
            for state in ["FRA", "DEU", "ITA"] {
                #expect(try await pocRelay(["invite", "--data-dir", data, "--state", state, "--role", "technical"]).status == 0)
            }
            let store = (data as NSString).appendingPathComponent("relay.sqlite")
            try damage(store)
            let run = try await pocRelay(["check", "--data-dir", data])
            #expect(run.status == 2, "\(run)")
            #expect(!run.errorLines.isEmpty)
            for line in run.errorLines {
                #expect(line.hasPrefix("poc-relay: problem: \(store)"), "\(line)")
            }
        }
    }

    @Test("a certificate expiring within 30 days is a warning: exit 1")
    func expiringCertificate() async throws {
        try await withTemporaryDirectory { directory in
            let data = try await Self.initialised(directory)
            let certificate = directory.file("soon.pem")
            let openssl = try await ChildProcess.run(
                executable: "/usr/bin/env",
                arguments: [
                    "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "10",
                    "-subj", "/CN=relay.example.org", "-keyout", directory.file("soon.key"), "-out", certificate,
                ], environment: ProcessInfo.processInfo.environment)
            try #require(openssl.status == 0, "\(String(decoding: openssl.standardError, as: UTF8.self))")
            let run = try await pocRelay(["check", "--data-dir", data, "--tls-cert", certificate])
            #expect(run.status == 1, "\(run)")
            #expect(run.errorLines.count == 1, "\(run)")
            #expect(run.standardError.hasPrefix("poc-relay: warning: \(certificate) expires in 9 days"), "\(run)")
        }
    }

    @Test("a store migrated by a newer binary: serve, invite and check refuse with one clear line; backup copies it; restore refuses it")
    func storeNewerThanBinary() async throws {
        try await withTemporaryDirectory { directory in
            let data = try await Self.initialised(directory)
            let store = (data as NSString).appendingPathComponent("relay.sqlite")
            let queue = try DatabaseQueue(path: store)
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v999-from-the-future')")
            }
            try queue.close()

            let serve = try await pocRelay(["serve", "--data-dir", data, "--http", "--port", "0"])
            #expect(serve.status == 1, "\(serve)")
            #expect(serve.errorLines.count == 1, "\(serve)")
            #expect(
                serve.standardError.hasPrefix(
                    "poc-relay: error: the store \(store) is newer than this poc-relay: a newer version applied migrations v999-from-the-future"),
                "\(serve)")
            let invite = try await pocRelay(["invite", "--data-dir", data, "--state", "FRA", "--role", "technical"])
            #expect(invite.status == 1 && invite.errorLines.count == 1 && invite.standardError.contains("newer than this poc-relay"), "\(invite)")

            let check = try await pocRelay(["check", "--data-dir", data])
            #expect(check.status == 2, "\(check)")
            #expect(check.errorLines.count == 1, "\(check)")
            #expect(check.standardError.contains("holds migrations v999-from-the-future"), "\(check)")

            let backup = directory.file("backup")
            let backedUp = try await pocRelay(["backup", "--data-dir", data, "--to", backup, "--include-key"])
            #expect(backedUp.status == 0, "\(backedUp)")
            let restore = try await pocRelay(["restore", "--data-dir", directory.file("target"), "--from", backup])
            #expect(restore.status == 1, "\(restore)")
            #expect(restore.standardError.contains("the backup's store is newer than this poc-relay"), "\(restore)")
            #expect(names(in: directory.file("target")).isEmpty)
        }
    }
}

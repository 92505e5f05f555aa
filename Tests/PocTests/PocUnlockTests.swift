import Foundation
import Glibc
import PocKit
import ProcessLaunch
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Testing

/// One enrolled home driven through the built `poc` binary, for the key agent
/// and the passphrase prompt.
struct UnlockFixture {
    let poc: BuiltProduct
    let homes: TemporaryDirectory
    let passphraseFile: String
    static let passphrase = "a long enough passphrase"

    var home: String { homes.file("fra") }
    /// The environment of every run: the fast test KDF, no passphrase file.
    var environment: [String: String] { ["POC_INSECURE_FAST_KDF": "1", "HOME": homes.path] }

    /// A home enrolled with the relay (passphrase from a file).
    static func enrolled(_ relay: LiveRelay) async throws -> UnlockFixture {
        let homes = try TemporaryDirectory(prefix: "poc-unlock")
        let fixture = UnlockFixture(poc: try BuiltProduct.named("poc"), homes: homes, passphraseFile: homes.file("passphrase"))
        try Data("\(passphrase)\n".utf8).write(to: URL(fileURLWithPath: fixture.passphraseFile))
        let ca = try DevCertificates.shared.get().caFile
        let initialised = try await fixture.run(
            ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID], withFile: true)
        #expect(initialised.status == 0, "\(initialised)")
        let invite = try await relay.service.invite(state: try StateCode("FRA"), role: .technical)
        let enrolled = try await fixture.run(
            ["enrol", "--token", invite.token, "--entity", "CERT FRA", "--email", "cert@example.org", "--entry-language", "en"], withFile: true)
        #expect(enrolled.status == 0, "\(enrolled)")
        return fixture
    }

    /// `poc ARGS --home HOME`, with no terminal, with or without the passphrase file.
    func run(_ arguments: [String], withFile: Bool = false) async throws -> BuiltProduct.Run {
        var variables = environment
        if withFile { variables["POC_PASSPHRASE_FILE"] = passphraseFile }
        return try await poc.run(arguments + ["--home", home], environment: variables)
    }

    /// Runs python3 `script` with `arguments`; its standard output.
    static func python(_ script: String, _ arguments: [String]) async throws -> String {
        let run = try await ChildProcess.run(
            executable: "/usr/bin/env", arguments: ["python3", "-c", script] + arguments, environment: ProcessInfo.processInfo.environment,
            timeout: .seconds(90))
        #expect(run.status == 0, "python3: \(String(decoding: run.standardError, as: UTF8.self))")
        return String(decoding: run.standardOutput, as: UTF8.self)
    }
}

@Suite("poc unlock and lock: the key agent", .serialized)
struct PocUnlockTests {
    @Test("after unlock, commands need no passphrase and no terminal; after lock they ask again")
    func unlockThenLock() async throws {
        try await LiveRelay.with { relay in
            let fixture = try await UnlockFixture.enrolled(relay)
            defer { fixture.homes.remove() }
            let before = try await fixture.run(["inbox"])
            #expect(before.status == 64, "\(before)")
            #expect(before.standardError.contains("no terminal"))

            let unlocked = try await fixture.run(["unlock", "--for", "10m"], withFile: true)
            #expect(unlocked.status == 0, "\(unlocked)")
            #expect(unlocked.standardOutput.hasPrefix("unlocked until 20"), "\(unlocked)")
            let inbox = try await fixture.run(["inbox"])
            #expect(inbox.status == 0, "\(inbox)")
            let whoami = try await fixture.run(["whoami"])
            #expect(whoami.standardOutput.contains("unlocked until "), "\(whoami)")

            let home = PocHome(explicit: fixture.home, environment: [:])
            let folder = try FileManager.default.attributesOfItem(atPath: home.agentFolderPath)
            #expect((folder[.posixPermissions] as? Int) == 0o700)
            let socket = try FileManager.default.attributesOfItem(atPath: home.agentSocketPath)
            #expect((socket[.posixPermissions] as? Int) == 0o600)
            #expect((socket[.type] as? FileAttributeType) == .typeSocket)

            let locked = try await fixture.run(["lock"])
            #expect(locked.status == 0)
            #expect(locked.standardOutput.hasPrefix("locked"), "\(locked)")
            let after = try await fixture.run(["inbox"])
            #expect(after.status == 64, "\(after)")
            #expect(after.standardError.contains("no terminal"), "\(after)")
            let again = try await fixture.run(["lock"])
            #expect(again.standardOutput.hasPrefix("no key agent was running"), "\(again)")
            #expect(!FileManager.default.fileExists(atPath: home.agentSocketPath))
        }
    }

    @Test("the agent ends at its expiry, and a stale socket is cleaned up")
    func expiryAndStaleSocket() async throws {
        try await LiveRelay.with { relay in
            let fixture = try await UnlockFixture.enrolled(relay)
            defer { fixture.homes.remove() }
            let unlocked = try await fixture.run(["unlock", "--for", "2s"], withFile: true)
            #expect(unlocked.status == 0, "\(unlocked)")
            #expect(try await fixture.run(["inbox"]).status == 0)
            try await Task.sleep(for: .seconds(3))
            let expired = try await fixture.run(["inbox"])
            #expect(expired.status == 64, "\(expired)")
            let home = PocHome(explicit: fixture.home, environment: [:])
            #expect(!FileManager.default.fileExists(atPath: home.agentSocketPath))

            // A socket file nobody listens on (an agent killed with SIGKILL) is removed.
            let stale = """
                import os, socket, sys
                os.makedirs(os.path.dirname(sys.argv[1]), mode=0o700, exist_ok=True)
                s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.close()
                """
            _ = try await UnlockFixture.python(stale, [home.agentSocketPath])
            #expect(FileManager.default.fileExists(atPath: home.agentSocketPath))
            let refused = try await fixture.run(["inbox"])
            #expect(refused.status == 64, "\(refused)")
            #expect(!FileManager.default.fileExists(atPath: home.agentSocketPath))
        }
    }

    @Test("the agent answers its own uid only")
    func otherUIDRefused() async throws {
        #expect(KeyAgent.admits(peer: 1000, own: 1000))
        #expect(!KeyAgent.admits(peer: 65534, own: 0))
        #expect(!KeyAgent.admits(peer: 0, own: 1000))
        guard getuid() == 0 else { return }
        try await LiveRelay.with { relay in
            let fixture = try await UnlockFixture.enrolled(relay)
            defer { fixture.homes.remove() }
            #expect(try await fixture.run(["unlock", "--for", "1m"], withFile: true).status == 0)
            let home = PocHome(explicit: fixture.home, environment: [:])
            // Open the way for another uid, so that only the peer check stands.
            for path in [fixture.homes.path, fixture.home, home.agentFolderPath] { chmod(path, 0o755) }
            chmod(home.agentSocketPath, 0o666)
            let ask = """
                import os, socket, sys
                uid = int(sys.argv[2])
                if uid:
                    os.setgid(uid); os.setuid(uid)
                s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
                got = b""
                try:
                    s.sendall(b"S")
                    while True:
                        chunk = s.recv(100)
                        if not chunk: break
                        got += chunk
                except (ConnectionResetError, BrokenPipeError):
                    pass  # closed unanswered (the agent may close before the request is even written)
                print(len(got))
                """
            let own = try await UnlockFixture.python(ask, [home.agentSocketPath, "0"])
            #expect(own.trimmingCharacters(in: .whitespacesAndNewlines) == "45", "root's own answer: \(own)")
            let other = try await UnlockFixture.python(ask, [home.agentSocketPath, "65534"])
            #expect(other.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "another uid got: \(other)")
            #expect(try await fixture.run(["lock"]).standardOutput.hasPrefix("locked"))
        }
    }
}

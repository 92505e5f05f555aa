import Foundation
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

@Suite("the real poc binary on a terminal: the broadcast question and the typed body")
struct PocSafetyTerminalTests {
    /// Runs the built `poc` with its three streams on a pseudo-terminal
    /// (Python's pty module); each time the screen shows a prompt of
    /// `answers`, types its text. Returns the status and the screen.
    func onTerminal(
        _ poc: BuiltProduct, _ arguments: [String], environment: [String: String], answers: [(String, String)]
    ) async throws -> (
        status: Int32, screen: String
    ) {
        let script = """
            import json, os, pty, select, subprocess, sys, time
            answers = json.loads(sys.argv[1])
            master, slave = pty.openpty()
            child = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave, start_new_session=True)
            os.close(slave)
            out = b""
            deadline = time.time() + 60
            while time.time() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        data = os.read(master, 65536)
                    except OSError:
                        break
                    if not data:
                        break
                    out += data
                if answers and answers[0][0].encode() in out:
                    time.sleep(0.2)
                    os.write(master, answers.pop(0)[1].encode())
                if child.poll() is not None and not ready:
                    break
            sys.stdout.buffer.write(out)
            sys.exit(child.wait())
            """
        let encoded = String(decoding: try JSONSerialization.data(withJSONObject: answers.map { [$0.0, $0.1] }), as: UTF8.self)
        let run = try await PythonScript.run(script, arguments: [encoded, poc.url.path] + arguments, environment: environment)
        return (run.status, run.output)
    }

    @Test("a send to two states shows them and asks; y then a body typed and ended with Ctrl-D sends it, the default sends nothing")
    func askOnTerminal() async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let homes = try TemporaryDirectory(prefix: "poc-safety-tty")
            defer { homes.remove() }
            let passphrase = homes.file("passphrase")
            try Data("a long enough passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
            let environment = ProcessInfo.processInfo.environment.merging([
                "POC_PASSPHRASE_FILE": passphrase, "POC_INSECURE_FAST_KDF": "1", "HOME": homes.path, "TERM": "dumb",
            ]) { $1 }
            let ca = try DevCertificates.shared.get().caFile
            for (home, state) in [("fra", "FRA"), ("deu", "DEU"), ("kor", "KOR")] {
                let base = ["--home", homes.file(home)]
                let initialised = try await poc.run(
                    ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID] + base,
                    environment: environment)
                #expect(initialised.status == 0, "\(initialised)")
                let invite = try await relay.service.invite(state: try StateCode(state), role: .technical)
                let enrolled = try await poc.run(
                    ["enrol", "--token", invite.token, "--entity", "CERT \(state)", "--phone", "+1 555 0100", "--entry-language", "en"] + base,
                    environment: environment)
                #expect(enrolled.status == 0, "\(enrolled)")
            }
            let send = ["send", "--role", "technical", "--subject", "All", "--urgency", "flash", "--home", homes.file("fra")]
            let declined = try await onTerminal(poc, send, environment: environment, answers: [("[y/N]", "\n")])
            #expect(declined.status == 1, "\(declined.screen)")
            #expect(declined.screen.contains("This message would go to 2 POCs in 2 states:"), "\(declined.screen)")
            #expect(declined.screen.contains("DEU (1): DEU-TEC-1") && declined.screen.contains("KOR (1): KOR-TEC-1"))
            #expect(declined.screen.contains("poc: error: not sent"))
            // Ctrl-D at the question is the default too, not "no terminal, add --yes".
            let ended = try await onTerminal(poc, send, environment: environment, answers: [("[y/N]", "\u{4}")])
            #expect(ended.status == 1, "\(ended.screen)")
            #expect(ended.screen.contains("[y/N] \npoc: error: not sent"), "\(ended.screen)")
            #expect(!ended.screen.contains("--yes"), "\(ended.screen)")
            let confirmed = try await onTerminal(
                poc, send, environment: environment, answers: [("[y/N]", "y\n"), ("end with Ctrl-D", "typed on the terminal\n\u{4}")])
            #expect(confirmed.status == 0, "\(confirmed.screen)")
            #expect(confirmed.screen.contains("poc: type the body, end with Ctrl-D on a line of its own"))
            #expect(confirmed.screen.contains("sent FLASH message "), "\(confirmed.screen)")
            let inbox = try await poc.run(["inbox", "--format", "json", "--home", homes.file("kor")], environment: environment)
            let entries = try JSONSerialization.jsonObject(with: Data(inbox.standardOutput.utf8)) as? [[String: Any]]
            #expect(entries?.count == 1, "\(inbox)")
        }
    }
}

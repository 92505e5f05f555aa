import Foundation
import PocKit
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

@Suite("poc enrol, interactive: each field checked as it is typed, optional prompts marked, a pasted token trimmed")
struct PocEnrolPromptTests {
    /// Runs `poc ARGS --home HOME` on a pseudo-terminal (standard input,
    /// output and error), answering each prompt that contains `expect` with `send`.
    func converse(
        _ screen: PocScreen, _ home: String, _ arguments: [String], _ dialogue: [(expect: String, send: String)]
    ) async throws
        -> (status: Int32, screen: String)
    {
        let script = """
            import json, os, pty, select, subprocess, sys, time
            steps = json.loads(sys.argv[1])
            master, slave = pty.openpty()
            child = subprocess.Popen(sys.argv[2:], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
            os.close(slave)
            out = b""
            def read(timeout):
                global out
                r, _, _ = select.select([master], [], [], timeout)
                if not r:
                    return False
                try:
                    data = os.read(master, 65536)
                except OSError:
                    return None
                if not data:
                    return None
                out += data
                return True
            seen = 0
            for expect, send in steps:
                deadline = time.time() + 30
                while out.find(expect.encode(), seen) < 0 and time.time() < deadline:
                    if read(1) is None:
                        break
                found = out.find(expect.encode(), seen)
                seen = found + len(expect) if found >= 0 else seen
                os.write(master, send.encode() + b"\\r")
            while read(30):
                pass
            sys.stdout.buffer.write(out)
            sys.exit(child.wait())
            """
        let steps = String(decoding: try JSONSerialization.data(withJSONObject: dialogue.map { [$0.expect, $0.send] }), as: UTF8.self)
        let run = try await PythonScript.run(
            script, arguments: [steps, screen.poc.url.path] + arguments + ["--home", screen.homes.file(home)],
            environment: screen.environment.merging(["TERM": "xterm-256color"]) { $1 })
        return (run.status, run.output)
    }

    @Test("a wrong e-mail and phone are named and asked again before any passphrase; optional prompts say so")
    func fieldsCheckedAsTyped() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            let ca = try DevCertificates.shared.get().caFile
            try await screen.ok("fra", ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
            let invite = try await relay.service.invite(state: try StateCode("FRA"), role: .technical)
            let pasted = "  \(invite.token) \n"
            let run = try await converse(
                screen, "fra", ["enrol", "--token", pasted],
                [
                    ("Entity or institution: ", "CERT-FR"), ("Working languages", "fr,en"), ("Entry language", "fr"),
                    ("Website (optional", "ftp://cert.example.fr"), ("that website", "https://cert.example.fr"),
                    ("Name (for a person) (optional", ""), ("Designation (optional", ""),
                    ("E-mail (optional", "cert-at-example.org"), ("that e-mail", "cert@example.fr"),
                    ("Phone (optional", "call me"), ("that phone", "+33 1 00 00 00 00"),
                ])
            #expect(run.status == 0, "\(run.screen)")
            #expect(run.screen.contains("that e-mail must be an e-mail address"), "\(run.screen)")
            #expect(run.screen.contains("that phone must be a phone number"), "\(run.screen)")
            #expect(run.screen.contains("that website "), "\(run.screen)")
            #expect(run.screen.contains("enrolled as FRA-TEC-1"), "\(run.screen)")
            let entry = try await screen.ok("fra", ["directory", "show", "FRA-TEC-1"])
            #expect(entry.standardOutput.contains("cert@example.fr") && entry.standardOutput.contains("+33 1 00 00 00 00"), "\(entry)")
        }
    }

    @Test("a token of the wrong shape is named as such, before anything is asked")
    func tokenShape() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            let ca = try DevCertificates.shared.get().caFile
            try await screen.ok("fra", ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
            for token in ["poc-invite-1234", "invite-" + String(repeating: "ab", count: 32), ""] {
                let run = try await screen.run(
                    "fra", ["enrol", "--token", token, "--entity", "CERT-FR", "--email", "c@example.org", "--entry-language", "fr"])
                #expect(run.status == 64, "\(run)")
                #expect(run.standardError.contains("not an invitation token"), "\(run)")
            }
        }
        #expect(EntryFieldCheck.trimmedToken(" 'poc-invite-ab'\n") == "poc-invite-ab")
        #expect(EntryFieldCheck.problem(.email, "a@b.org") == nil && EntryFieldCheck.problem(.email, "no-at") != nil)
        #expect(EntryFieldCheck.problem(.entity, "CERT\u{202E}RF")?.contains("U+202E") == true)
    }
}

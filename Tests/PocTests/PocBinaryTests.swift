import Foundation
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

@Suite("the real poc binary")
struct PocBinaryTests {
    @Test("a full exchange through the built poc executable: output and exit codes")
    func scenario() async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let homes = try TemporaryDirectory(prefix: "poc-binary")
            defer { homes.remove() }
            let passphrase = homes.file("passphrase")
            try Data("a long enough passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
            let environment = ["POC_PASSPHRASE_FILE": passphrase, "POC_INSECURE_FAST_KDF": "1", "HOME": homes.path]
            let ca = try DevCertificates.shared.get().caFile
            func run(_ home: String, _ arguments: [String], input: String = "") async throws -> BuiltProduct.Run {
                try await poc.run(arguments + ["--home", homes.file(home)], environment: environment, input: Data(input.utf8))
            }
            for (home, state) in [("fra", "FRA"), ("deu", "DEU")] {
                let initialised = try await run(
                    home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
                #expect(initialised.status == 0, "\(initialised)")
                let invite = try await relay.service.invite(state: try StateCode(state), role: .technical)
                let enrolled = try await run(
                    home, ["enrol", "--token", invite.token, "--entity", "CERT \(state)", "--phone", "+1 555 0100", "--entry-language", "en"])
                #expect(enrolled.status == 0, "\(enrolled)")
                #expect(enrolled.standardOutput.hasPrefix("enrolled as \(state)-TEC-1"))
                #expect(enrolled.standardOutput.contains("your fingerprint: "))
            }
            let sent = try await run("fra", ["send", "--to", "DEU-TEC-1", "--urgency", "flash", "--subject", "Binary"], input: "from standard input")
            #expect(sent.status == 0, "\(sent)")
            let id = try #require(sent.standardOutput.split(separator: " ").dropFirst(3).first.map(String.init))
            let read = try await run("deu", ["read", id])
            #expect(read.status == 0, "\(read)")
            #expect(read.standardOutput.contains("from standard input"))
            #expect(read.standardError.contains("poc: receipt sent to FRA-TEC-1"))
            // Exit codes: 64 usage, 65 does not verify, 69 unreachable, 77 credentials.
            let usage = try await run("fra", ["send", "--subject", "no recipients"])
            #expect(usage.status == 64)
            #expect(usage.standardError.hasPrefix("poc: error: "))
            let notWaiting = try await run("deu", ["read", MessageID.random().rawValue])
            #expect(notWaiting.status == 1)
            let wrongPassphrase = try await poc.run(
                ["inbox", "--home", homes.file("fra")], environment: environment.merging(["POC_PASSPHRASE_FILE": ca]) { $1 })
            #expect(wrongPassphrase.status == 77, "\(wrongPassphrase)")
            let unreachable = try await poc.run(["init", "--server", "https://127.0.0.1:1", "--home", homes.file("x")], environment: environment)
            #expect(unreachable.status == 69, "\(unreachable)")
            let help = try await poc.run(["--help"])
            #expect(help.status == 0)
            #expect(help.standardOutput.contains("69 relay unreachable"))
        }
    }
}

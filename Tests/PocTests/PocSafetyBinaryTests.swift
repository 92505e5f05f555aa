import Foundation
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

@Suite("the real poc binary refuses unsafe sends before anything leaves")
struct PocSafetyBinaryTests {
    @Test("a broadcast without a terminal, a 900 KB attachment, two bodies: 64 with the count or the true maximum")
    func refusals() async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let homes = try TemporaryDirectory(prefix: "poc-safety")
            defer { homes.remove() }
            let passphrase = homes.file("passphrase")
            try Data("a long enough passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
            let environment = ["POC_PASSPHRASE_FILE": passphrase, "POC_INSECURE_FAST_KDF": "1", "HOME": homes.path]
            let ca = try DevCertificates.shared.get().caFile
            func run(_ home: String, _ arguments: [String], input: String = "") async throws -> BuiltProduct.Run {
                try await poc.run(arguments + ["--home", homes.file(home)], environment: environment, input: Data(input.utf8))
            }
            for (home, state) in [("fra", "FRA"), ("deu", "DEU"), ("kor", "KOR")] {
                let initialised = try await run(
                    home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
                #expect(initialised.status == 0, "\(initialised)")
                let invite = try await relay.service.invite(state: try StateCode(state), role: .technical)
                let enrolled = try await run(
                    home, ["enrol", "--token", invite.token, "--entity", "CERT \(state)", "--phone", "+1 555 0100", "--entry-language", "en"])
                #expect(enrolled.status == 0, "\(enrolled)")
            }
            // The forgotten --state, body on standard input: refused with the count, nothing sent.
            let broadcast = try await run("fra", ["send", "--role", "technical", "--subject", "All"], input: "body")
            #expect(broadcast.status == 64, "\(broadcast)")
            #expect(broadcast.standardError.contains("poc: error: this message would go to 2 POCs in 2 states\n"), "\(broadcast)")
            #expect(broadcast.standardError.contains("poc: hint: ") && broadcast.standardError.contains("add --yes"))
            let sent = try await run("fra", ["send", "--role", "technical", "--subject", "All", "--yes", "--urgency", "flash"], input: "body")
            #expect(sent.status == 0, "\(sent)")
            #expect(sent.standardOutput.hasPrefix("sent FLASH message "), "\(sent)")
            // 900 KB is more than 1 MiB once base64-encoded: refused here, not by the relay's 413.
            let file = homes.file("capture.pcap")
            try Data(repeating: 0x42, count: 900 * 1024).write(to: URL(fileURLWithPath: file))
            let large = try await run("fra", ["send", "--to", "DEU-TEC-1", "--subject", "pcap", "--body", "b", "--attach", file])
            #expect(large.status == 64, "\(large)")
            #expect(large.standardError.contains("the relay takes 1048576 bytes (1024 KiB), so at most "), "\(large)")
            #expect(!large.standardError.contains("413"))
            let both = try await run("fra", ["send", "--to", "DEU-TEC-1", "--subject", "x", "--body", "y", "--body-file", file])
            #expect(both.status == 64, "\(both)")
            let inbox = try await run("deu", ["inbox", "--format", "json"])
            let entries = try JSONSerialization.jsonObject(with: Data(inbox.standardOutput.utf8)) as? [[String: Any]]
            #expect(entries?.count == 1, "\(inbox)")
        }
    }
}

import Foundation
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Testing

/// Two enrolled homes (FRA-TEC-1 and DEU-TEC-1) driven through the built
/// `poc` binary against a live relay that allows loopback `http://` webhooks.
struct AlertsBinaryHarness {
    let poc: BuiltProduct
    let relay: LiveRelay
    let homes: TemporaryDirectory
    let environment: [String: String]

    /// Runs `body` with a live relay and both homes enrolled.
    static func with(_ body: (AlertsBinaryHarness) async throws -> Void) async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with(configure: { $0.service.alertsAllowLoopbackHTTP = true }) { relay in
            let homes = try TemporaryDirectory(prefix: "poc-alerts")
            defer { homes.remove() }
            let passphrase = homes.file("passphrase")
            try Data("a long enough passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
            let harness = AlertsBinaryHarness(
                poc: poc, relay: relay, homes: homes,
                environment: ["POC_PASSPHRASE_FILE": passphrase, "POC_INSECURE_FAST_KDF": "1", "HOME": homes.path])
            let ca = try DevCertificates.shared.get().caFile
            for (home, state) in [("fra", "FRA"), ("deu", "DEU")] {
                let initialised = try await harness.run(
                    home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
                try #require(initialised.status == 0, "\(initialised)")
                let invite = try await relay.service.invite(state: try StateCode(state), role: .technical)
                let enrolled = try await harness.run(
                    home, ["enrol", "--token", invite.token, "--entity", "CERT \(state)", "--phone", "+1 555 0100", "--entry-language", "en"])
                try #require(enrolled.status == 0, "\(enrolled)")
            }
            try await body(harness)
        }
    }

    /// `poc ARGS --home HOME` with the test passphrase; `extra` over the environment.
    func run(_ home: String, _ arguments: [String], input: String = "", extra: [String: String] = [:]) async throws -> BuiltProduct.Run {
        try await poc.run(
            arguments + ["--home", homes.file(home)], environment: environment.merging(extra) { $1 }, input: Data(input.utf8),
            timeout: .seconds(120))
    }

    /// `poc alerts --format json` of `home`, parsed.
    func alertsJSON(_ home: String, sourceLocation: SourceLocation = #_sourceLocation) async throws -> [String: Any] {
        let shown = try await run(home, ["alerts", "--format", "json"])
        try #require(shown.status == 0, "\(shown)", sourceLocation: sourceLocation)
        return try #require(try JSONSerialization.jsonObject(with: Data(shown.standardOutput.utf8)) as? [String: Any], sourceLocation: sourceLocation)
    }

    /// The `poc: error:` lines of a run's standard error.
    static func errorLines(_ run: BuiltProduct.Run) -> [String] {
        run.standardError.split(separator: "\n").map(String.init).filter { $0.hasPrefix("poc: error: ") }
    }
}

@Suite("poc alerts: showing, setting and testing alert channels (the built binary)", .timeLimit(.minutes(5)))
struct PocAlertsCommandTests {
    @Test("poc alerts shows the defaults of section 10: no channel, flash and immediate, and says nothing can reach you")
    func defaults() async throws {
        try await AlertsBinaryHarness.with { h in
            let shown = try await h.run("fra", ["alerts"])
            #expect(shown.status == 0, "\(shown)")
            let lines = shown.standardOutput.split(separator: "\n").map {
                $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            }
            #expect(lines == ["email not set", "webhook not set", "urgencies flash, immediate"], "\(shown)")
            #expect(shown.standardError.contains("poc: hint: no alert channel is set"), "\(shown)")
            let json = try await h.alertsJSON("fra")
            #expect(json["email"] is NSNull)
            #expect(json["webhook"] is NSNull)
            #expect(json["urgencies"] as? [String] == ["flash", "immediate"])
            #expect((json["channels"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("set then show round-trips; what a set leaves out stays; none and an empty value unset a channel")
    func setRoundTrips() async throws {
        try await AlertsBinaryHarness.with { h in
            let set = try await h.run(
                "fra",
                ["alerts", "set", "--email", "duty@cert.example", "--webhook", "http://127.0.0.1:9/hook", "--urgencies", "immediate, FLASH,priority"])
            #expect(set.status == 0, "\(set)")
            #expect(set.standardOutput.hasPrefix("alert channels set\n"), "\(set)")
            var json = try await h.alertsJSON("fra")
            #expect(json["email"] as? String == "duty@cert.example")
            #expect(json["webhook"] as? String == "http://127.0.0.1:9/hook")
            #expect(json["urgencies"] as? [String] == ["flash", "immediate", "priority"])
            let channels = try #require(json["channels"] as? [[String: Any]])
            #expect(channels.map { $0["channel"] as? String } == ["email", "webhook"])
            #expect(channels.allSatisfy { $0["last_sent_at"] is NSNull && $0["pending"] as? Int == 0 })
            let text = try await h.run("fra", ["alerts"])
            #expect(text.standardOutput.contains("CHANNEL"), "\(text)")
            #expect(text.standardOutput.contains("duty@cert.example"), "\(text)")
            #expect(!text.standardError.contains("no alert channel"), "\(text)")

            let cleared = try await h.run("fra", ["alerts", "set", "--webhook", "none"])
            #expect(cleared.status == 0, "\(cleared)")
            json = try await h.alertsJSON("fra")
            #expect(json["email"] as? String == "duty@cert.example")
            #expect(json["webhook"] is NSNull)
            #expect(json["urgencies"] as? [String] == ["flash", "immediate", "priority"])

            let empty = try await h.run("fra", ["alerts", "set", "--email", "", "--urgencies", "flash"])
            #expect(empty.status == 0, "\(empty)")
            json = try await h.alertsJSON("fra")
            #expect(json["email"] is NSNull)
            #expect(json["urgencies"] as? [String] == ["flash"])
            // The other POC's settings were never touched.
            let other = try await h.alertsJSON("deu")
            #expect(other["urgencies"] as? [String] == ["flash", "immediate"])
        }
    }

    @Test("refused values: one poc: error line naming the field, 65 from the relay, 64 for the command line, nothing changed")
    func refusedValues() async throws {
        try await AlertsBinaryHarness.with { h in
            let first = try await h.run("fra", ["alerts", "set", "--email", "duty@cert.example", "--urgencies", "flash"])
            try #require(first.status == 0, "\(first)")
            let before = try await h.alertsJSON("fra")
            let longAddress = String(repeating: "a", count: 255 - "@cert.example".count) + "@cert.example"
            #expect(longAddress.count == 255)
            let cases: [(arguments: [String], status: Int32, words: [String])] = [
                (["--webhook", "ftp://alerts.cert.example/poc"], 65, ["webhook URL", "https://", "ftp://"]),
                (["--email", "duty.cert.example"], 65, ["e-mail address", "local@domain"]),
                (["--email", longAddress], 65, ["e-mail address", "254"]),
                (["--webhook", "https://10.0.0.7/hook"], 65, ["webhook URL", "private"]),
                (["--urgencies", ""], 64, ["urgencies", "at least one"]),
                (["--urgencies", "bogus"], 64, ["'bogus' is not an urgency"]),
                (["--urgencies", "flash,flash"], 64, ["flash twice"]),
                ([], 64, ["--email", "--webhook", "--urgencies"]),
            ]
            for c in cases {
                let refused = try await h.run("fra", ["alerts", "set"] + c.arguments)
                #expect(refused.status == c.status, "\(refused)")
                let errors = AlertsBinaryHarness.errorLines(refused)
                #expect(errors.count == 1, "\(refused)")
                for word in c.words { #expect(errors.first?.contains(word) == true, "\(word) in \(refused)") }
                #expect(refused.standardOutput.isEmpty, "\(refused)")
                let after = try await h.alertsJSON("fra")
                #expect(NSDictionary(dictionary: after).isEqual(to: before), "\(c.arguments) changed the settings")
            }
        }
    }

    @Test("poc alerts test with no channel set says so and fails (exit 1), sending nothing")
    func testWithoutChannel() async throws {
        try await AlertsBinaryHarness.with { h in
            let tested = try await h.run("fra", ["alerts", "test"])
            #expect(tested.status == 1, "\(tested)")
            #expect(AlertsBinaryHarness.errorLines(tested) == ["poc: error: no alert channel is set, so there is nothing to test"], "\(tested)")
            #expect(tested.standardError.contains("poc: hint: set one first"), "\(tested)")
        }
    }

    @Test("help of every alerts command ends with examples, and watch's help says what --notify shows")
    func help() async throws {
        let poc = try BuiltProduct.named("poc")
        for command in [["alerts"], ["alerts", "set"], ["alerts", "test"], ["alerts", "show"]] {
            let help = try await poc.run(command + ["--help"], environment: BuiltProduct.childEnvironment(["COLUMNS": "80"]))
            #expect(help.status == 0, "\(help)")
            #expect(help.standardOutput.contains("Examples:\n  poc alerts"), "\(help)")
            // Each example stays one line at 80 columns: none is wrapped onto a line of its own.
            let examples = help.standardOutput.components(separatedBy: "Examples:\n").last?.components(separatedBy: "\n\n").first ?? ""
            for line in examples.split(separator: "\n") {
                #expect(line.hasPrefix("  poc alerts"), "a wrapped example in poc \(command.joined(separator: " ")) --help: '\(line)'")
            }
        }
        let root = try await poc.run(["--help"])
        #expect(root.standardOutput.contains("alerts"), "\(root)")
        let watch = try await poc.run(["watch", "--help"])
        #expect(watch.standardOutput.contains("--notify"), "\(watch)")
        let prose = watch.standardOutput.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(prose.contains("never the subject or the body"), "\(watch)")
    }
}

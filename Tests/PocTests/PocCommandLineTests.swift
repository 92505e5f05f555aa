import Foundation
import PocKit
import ProcessLaunch
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

/// What a run under bash left: poc's status and its standard error.
struct ShellRun: CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let standardError: String
    var description: String { "\(arguments.joined(separator: " ")) -> \(status)\n--- stderr\n\(standardError)" }
}

/// The built `poc` with two enrolled homes (FRA and DEU, technical) on a live relay.
struct EnrolledBinary {
    let poc: BuiltProduct
    let relay: LiveRelay
    let homes: TemporaryDirectory
    let environment: [String: String]

    static func with(_ body: (EnrolledBinary) async throws -> Void) async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let homes = try TemporaryDirectory(prefix: "poc-cli")
            defer { homes.remove() }
            let passphrase = homes.file("passphrase")
            try Data("a long enough passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
            let environment = BuiltProduct.childEnvironment([
                "POC_PASSPHRASE_FILE": passphrase, "POC_INSECURE_FAST_KDF": "1", "HOME": homes.path,
            ])
            let binary = EnrolledBinary(poc: poc, relay: relay, homes: homes, environment: environment)
            let ca = try DevCertificates.shared.get().caFile
            for state in ["FRA", "DEU"] {
                let home = state.lowercased()
                let initialised = try await binary.run(
                    home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
                #expect(initialised.status == 0, "\(initialised)")
                let invite = try await relay.service.invite(state: try StateCode(state), role: .technical)
                let enrolled = try await binary.run(
                    home, ["enrol", "--token", invite.token, "--entity", "CERT \(state)", "--phone", "+1 555 0100", "--entry-language", "en"])
                #expect(enrolled.status == 0, "\(enrolled)")
            }
            try await body(binary)
        }
    }

    /// `poc ARGS --home HOME`.
    func run(_ home: String, _ arguments: [String], input: String = "") async throws -> BuiltProduct.Run {
        try await poc.run(arguments + ["--home", homes.file(home)], environment: environment, input: Data(input.utf8))
    }

    /// `poc ARGS` as written, with no home added.
    func runBare(_ arguments: [String]) async throws -> BuiltProduct.Run {
        try await poc.run(arguments, environment: environment)
    }

    /// `poc ARGS` under bash, its standard output redirected by `shell`
    /// (`| true`, `>/dev/full`); the status is poc's own.
    func runShell(_ shell: String, _ arguments: [String]) async throws -> ShellRun {
        let arguments = ["-c", "\"$@\" \(shell); exit ${PIPESTATUS[0]}", "bash", poc.url.path] + arguments
        let run = try await ChildProcess.run(executable: "/bin/bash", arguments: arguments, environment: environment)
        return ShellRun(arguments: arguments, status: run.status, standardError: String(decoding: run.standardError, as: UTF8.self))
    }

    /// Sends a message from FRA to DEU; returns its id.
    func send(_ body: String) async throws -> String {
        let sent = try await run("fra", ["send", "--to", "DEU-TEC-1", "--subject", "Lines"], input: body)
        #expect(sent.status == 0, "\(sent)")
        let words = sent.standardOutput.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        return try #require(words.first { (try? MessageID($0)) != nil }, "\(sent)")
    }
}

@Suite("poc never crashes and never misleads")
struct PocCommandLineTests {
    @Test("a reader that goes away (| head, quitting less) ends poc quietly, as SIGPIPE; a full disk is one error line and 74")
    func closedPipeAndFullDisk() async throws {
        try await EnrolledBinary.with { poc in
            let id = try await poc.send((1...2000).map { "line \($0)" }.joined(separator: "\n"))
            let home = poc.homes.file("deu")
            for arguments in [["read", id], ["inbox"], ["log"], ["--help"], ["directory"]] {
                let closed = try await poc.runShell("| true", arguments + ["--home", home])
                #expect(closed.status == 141, "\(closed)")
                #expect(!closed.standardError.contains("Fatal error"), "\(closed)")
                #expect(!closed.standardError.contains("crashed"), "\(closed)")
                let full = try await poc.runShell(">/dev/full", arguments + ["--home", home])
                #expect(full.status == 74, "\(full)")
                #expect(full.standardError == "poc: error: cannot write to standard output: No space left on device\n", "\(full)")
            }
            // The message is still readable afterwards, in full.
            let read = try await poc.run("deu", ["read", id])
            #expect(read.status == 0, "\(read)")
            #expect(read.standardOutput.contains("line 2000"))
        }
    }

    @Test("--home, --passphrase-file and --format before the subcommand; a mistyped command names the nearest")
    func globalOptionsAnywhereAndTypos() async throws {
        try await EnrolledBinary.with { poc in
            let home = poc.homes.file("fra")
            let before = try await poc.runBare(["--home", home, "--format", "json", "directory"])
            #expect(before.status == 0, "\(before)")
            #expect(before.standardOutput.hasPrefix("["), "\(before)")
            let equals = try await poc.runBare(["--home=\(home)", "--passphrase-file", poc.environment["POC_PASSPHRASE_FILE"]!, "whoami"])
            #expect(equals.status == 0, "\(equals)")
            #expect(equals.standardOutput.hasPrefix("FRA-TEC-1"), "\(equals)")
            let nested = try await poc.runBare(["--format", "json", "--home", home, "directory", "show", "DEU-TEC-1"])
            #expect(nested.status == 0, "\(nested)")
            #expect(nested.standardOutput.contains("\"poc_id\""), "\(nested)")

            for group in [["--home", home, "keys"], ["consent", "--home", home], ["--format", "json", "ping"]] {
                let listed = try await poc.runBare(group)
                #expect(listed.status == 0, "a group with global options lists its commands: \(listed)")
                #expect(listed.standardOutput.contains("SUBCOMMANDS:"), "\(listed)")
            }

            let typo = try await poc.runBare(["--home", home, "inbx"])
            #expect(typo.status == 64)
            #expect(typo.standardError == "poc: error: unknown command 'inbx'\npoc: hint: did you mean 'inbox'?\n", "\(typo)")
            let swapped = try await poc.runBare(["drectory"])
            #expect(swapped.standardError.contains("did you mean 'directory'?"), "\(swapped)")
            let deeper = try await poc.runBare(["ping", "answr", "x"])
            #expect(deeper.status == 64)
            #expect(deeper.standardError.contains("unknown command 'ping answr'"), "\(deeper)")
            #expect(deeper.standardError.contains("did you mean 'ping answer'?"), "\(deeper)")
            let far = try await poc.runBare(["frobnicate"])
            #expect(far.status == 64)
            #expect(far.standardError.contains("see `poc --help`"), "\(far)")
        }
    }

    @Test("a ping answered twice says when it was answered and succeeds; an empty directory update is a usage error")
    func pingTwiceAndEmptyUpdate() async throws {
        try await EnrolledBinary.with { poc in
            _ = try await poc.relay.service.startCampaign(deadline: 3600)
            let listed = try await poc.run("fra", ["pings", "--format", "json"])
            let pings = try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]]
            let pingID = try #require(pings?.first?["ping_id"] as? String)
            let first = try await poc.run("fra", ["ping", "answer", pingID])
            #expect(first.status == 0, "\(first)")
            #expect(first.standardOutput.hasPrefix("answered \(pingID) at "))
            let again = try await poc.run("fra", ["ping", "answer", pingID])
            #expect(again.status == 0, "\(again)")
            #expect(again.standardOutput.hasPrefix("already answered \(pingID) at "), "\(again)")
            #expect(again.standardOutput.hasSuffix("(on time)\n"), "\(again)")
            let unknown = try await poc.run("fra", ["ping", "answer", "no-such-ping"])
            #expect(unknown.status == 64, "an unknown id is a usage mistake: \(unknown)")

            let empty = try await poc.run("fra", ["directory", "update"])
            #expect(empty.status == 64, "\(empty)")
            #expect(empty.standardError.hasPrefix("poc: error: nothing to update"), "\(empty)")
            let real = try await poc.run("fra", ["directory", "update", "--phone", "+33 1 00 00 00 01"])
            #expect(real.status == 0, "\(real)")
        }
    }

    @Test("more mistakes in the user's words: status of an unknown id, a party as third party, answering oneself, a duration without its unit")
    func moreMistakes() async throws {
        try await EnrolledBinary.with { poc in
            let unknown = try await poc.run("fra", ["status", "00000000000000000000000000000000"])
            #expect(unknown.status == 1, "\(unknown)")
            #expect(unknown.standardError.hasPrefix("poc: error: the relay has no message with that id sent by this POC\n"), "\(unknown)")
            #expect(!unknown.standardError.contains("waiting"), "status is about a sent message, not the inbox: \(unknown)")
            // An id that names nothing here is a usage mistake, like `poc trust UNKNOWN`.
            let noPing = try await poc.run("fra", ["ping", "answer", "ping-0000"])
            #expect(noPing.status == 64 && noPing.standardError.hasPrefix("poc: error: no pending ping ping-0000\n"), "\(noPing)")
            let notRecorded = try await poc.run("fra", ["log", "show", "00000000000000000000000000000000"])
            #expect(notRecorded.status == 64 && notRecorded.standardError.contains("is not in this POC's record"), "\(notRecorded)")

            let id = try await poc.send("indicators")
            #expect(try await poc.run("deu", ["read", id]).status == 0)
            for arguments in [["forward", id, "--to", "FRA-TEC-1"], ["consent", "request", id, "--third-party", "FRA-TEC-1", "--reason", "r"]] {
                let party = try await poc.run("deu", arguments)
                #expect(party.status == 64, "\(party)")
                #expect(party.standardError.hasPrefix("poc: error: FRA-TEC-1 is not a third party: it is already a party to \(id)\n"), "\(party)")
            }
            let itself = try await poc.run("deu", ["consent", "request", id, "--third-party", "DEU-TEC-1", "--reason", "r"])
            #expect(itself.status == 64 && itself.standardError.contains("it is this POC"), "\(itself)")
            let fraInbox = try await poc.run("fra", ["inbox"])
            #expect(fraInbox.standardOutput.contains("no messages waiting"), "nothing was sent: \(fraInbox)")

            let own = try await poc.run("fra", ["respond", id, "--acknowledge"])
            #expect(own.status == 64, "\(own)")
            #expect(own.standardError.hasPrefix("poc: error: \(id) is a message this POC sent"), "\(own)")
            #expect(try await poc.run("fra", ["inbox"]).standardOutput.contains("no messages waiting"))

            // Files named on the command line: the system's reason, and a full disk is not "exported".
            // Through a link of our own: a writer that replaces the file (write and rename) replaces
            // the link, and the test fails, instead of replacing the device itself.
            let fullDisk = poc.homes.file("full-disk")
            try FileManager.default.createSymbolicLink(atPath: fullDisk, withDestinationPath: "/dev/full")
            let full = try await poc.run("fra", ["log", "export", "--output", fullDisk])
            #expect(full.status == 74, "\(full)")
            #expect(full.standardError == "poc: error: cannot write \(fullDisk): No space left on device\n", "\(full)")
            #expect(!full.standardOutput.contains("exported"), "\(full)")
            #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: fullDisk)) == "/dev/full", "written through, not replaced")
            let nowhere = poc.homes.file("no-such-folder/record.json")
            let missing = try await poc.run("fra", ["log", "export", "--output", nowhere])
            #expect(missing.status == 74 && missing.standardError.contains("cannot write \(nowhere): No such file or directory"), "\(missing)")
            let record = poc.homes.file("record.json")
            #expect(try await poc.run("fra", ["log", "export", "--output", record]).standardOutput.hasPrefix("exported 1 message to "))
            #expect((try FileManager.default.attributesOfItem(atPath: record)[.posixPermissions] as? Int) == 0o600)
            let attachment = try await poc.run("fra", ["send", "--to", "DEU-TEC-1", "--subject", "x", "--body", "y", "--attach", nowhere])
            #expect(attachment.status == 64, "\(attachment)")
            #expect(
                attachment.standardError.hasPrefix("poc: error: cannot read the attachment \(nowhere): No such file or directory\n"), "\(attachment)")

            let ca = try DevCertificates.shared.get().caFile
            let away = try await poc.run(
                "gbr", ["init", "--server", "https://127.0.0.1:1", "--ca", ca, "--relay-fingerprint", poc.relay.service.relayID])
            #expect(away.status == 69, "\(away)")
            #expect(away.standardError.hasPrefix("poc: error: cannot reach the relay at https://127.0.0.1:1: "), "\(away)")
            #expect(!away.standardError.contains("/v1/"), "no method and path in the user's words: \(away)")

            let empty = try await poc.run("fra", ["send", "--to", "DEU-TEC-1", "--subject", "x"], input: " \n")
            #expect(empty.status == 64 && empty.standardError.contains("--allow-empty"), "an empty body needs --allow-empty: \(empty)")
            let allowed = try await poc.run("fra", ["send", "--to", "DEU-TEC-1", "--subject", "x", "--allow-empty", "--urgency", "priority"])
            #expect(allowed.status == 0 && allowed.standardOutput.hasPrefix("sent PRIORITY message "), "\(allowed)")
            let stranger = try await poc.run("fra", ["trust", "ZZZ-TEC-9", "--fingerprint", String(repeating: "A", count: 32)])
            #expect(stranger.status == 64 && stranger.standardError.contains("not an active POC"), "\(stranger)")

            let shape = try await poc.run("fra", ["trust", "DEU-TEC-1", "--fingerprint", "2C36 BC5D"])
            #expect(shape.status == 64, "a fingerprint of the wrong shape is a usage mistake, not a mismatch (65): \(shape)")
            #expect(shape.standardError.hasPrefix("poc: error: '2C36 BC5D' is not a fingerprint\n"), "\(shape)")

            for arguments in [["unlock", "--for", "8hours"], ["respond", id, "--acknowledge", "--eta", "2 days"]] {
                let duration = try await poc.run(arguments[0] == "unlock" ? "fra" : "deu", arguments)
                #expect(duration.status == 64, "\(duration)")
                #expect(duration.standardError.contains("is not a duration: write a whole number and a unit, like 30m, 8h, 24h or 7d"), "\(duration)")
            }
        }
    }
}

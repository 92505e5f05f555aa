import Foundation
import PocCLI
import PocKit
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Synchronization
import Testing

@Suite("sending safely: broadcasts confirmed, consent withdrawn, bodies and sizes checked before sending")
struct PocSafetyTests {
    @Test("the broadcast rule: more than one state or more than ten POCs needs confirmation")
    func broadcastRule() throws {
        func ids(_ texts: [String]) throws -> [POCID] { try texts.map { try POCID($0) } }
        let one = BroadcastCheck(recipients: try ids(["DEU-TEC-1"]), stateOf: { _ in nil })
        #expect(!one.requiresConfirmation && one.count == "1 POC in 1 state")
        let tenInOneState = BroadcastCheck(recipients: try ids((1...10).map { "DEU-TEC-\($0)" }), stateOf: { _ in nil })
        #expect(!tenInOneState.requiresConfirmation)
        let eleven = BroadcastCheck(recipients: try ids((1...11).map { "DEU-TEC-\($0)" }), stateOf: { _ in nil })
        #expect(eleven.requiresConfirmation && eleven.count == "11 POCs in 1 state")
        let twoStates = BroadcastCheck(recipients: try ids(["DEU-TEC-1", "KOR-TEC-1", "DEU-TEC-1"]), stateOf: { _ in nil })
        #expect(twoStates.requiresConfirmation && twoStates.count == "2 POCs in 2 states")
        #expect(twoStates.summary == ["DEU (1): DEU-TEC-1", "KOR (1): KOR-TEC-1"])
        #expect(twoStates.refusal(hint: "add --yes").status == .usage)
        // The directory's state counts, not the id's spelling.
        let known = BroadcastCheck(recipients: try ids(["DEU-TEC-1", "KOR-TEC-1"]), stateOf: { _ in try? StateCode("DEU") })
        #expect(!known.requiresConfirmation)
    }

    @Test("consent: each party's latest signed answer counts; a tie goes to the denial")
    func consentRule() throws {
        let fra = try POCID("FRA-TEC-1")
        let kor = try POCID("KOR-TEC-1")
        let id = MessageID.random()
        let usa = try POCID("USA-TEC-1")
        func answer(_ party: POCID, _ granted: Bool, signed: Int64, recorded: Int64) -> ConsentAnswer {
            ConsentAnswer(
                party: party, granted: granted, signedAt: Timestamp(secondsSince1970: signed), recordedAt: Timestamp(secondsSince1970: recorded),
                signed: Base64Bytes(Data([1])))
        }
        // Granted, then denied: blocked, and said to be a withdrawal, even when the denial arrived first.
        let withdrawn = [
            answer(fra, false, signed: 20, recorded: 30), answer(fra, true, signed: 10, recorded: 40), answer(kor, true, signed: 5, recorded: 5),
        ]
        let obstacle = try #require(ConsentRule.obstacle(parties: [fra, kor], answers: withdrawn, message: id, thirdParty: usa))
        #expect(obstacle.message.hasPrefix("FRA-TEC-1 withdrew consent at 1970-01-01T00:00:20Z"))
        #expect(obstacle.status == .usage)
        // A later grant lifts the denial.
        let regranted = withdrawn + [answer(fra, true, signed: 21, recorded: 41)]
        #expect(ConsentRule.obstacle(parties: [fra, kor], answers: regranted, message: id, thirdParty: usa) == nil)
        // Same signed time: arrival decides; same arrival too: the denial.
        #expect(ConsentRule.latest([answer(fra, false, signed: 9, recorded: 1), answer(fra, true, signed: 9, recorded: 2)])[fra]?.granted == true)
        #expect(ConsentRule.latest([answer(fra, true, signed: 9, recorded: 2), answer(fra, false, signed: 9, recorded: 2)])[fra]?.granted == false)
        #expect(ConsentRule.latest([answer(fra, false, signed: 9, recorded: 2), answer(fra, true, signed: 9, recorded: 2)])[fra]?.granted == false)
        // Missing: named.
        let missing = try #require(
            ConsentRule.obstacle(parties: [fra, kor], answers: [answer(fra, true, signed: 1, recorded: 1)], message: id, thirdParty: usa))
        #expect(missing.message.contains("missing from KOR-TEC-1"))
        // RED and AMBER+STRICT need consents whatever the sender's --share said.
        var shared = InnerMessage(from: fra, to: [kor], urgency: .routine, consentToShare: true, subject: "s", body: "b")
        #expect(!ConsentRule.needsConsents(shared))
        for label in [TLPLabel.red, .amberStrict] {
            shared.tlp = label
            #expect(ConsentRule.needsConsents(shared))
        }
        shared.tlp = .amber
        #expect(!ConsentRule.needsConsents(shared))
    }

    @Test("a send to every technical POC of several states is refused without a terminal, asked on one, and sent with --yes")
    func broadcastConfirmation() async throws {
        try await withPoc { poc in
            try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let kor = try await poc.enrol("kor", state: "KOR", role: .technical)
            let refused = await poc.run("fra", ["send", "--role", "technical", "--subject", "To all", "--body", "b"])
            #expect(refused.status == 64)
            #expect(refused.err.contains("poc: error: this message would go to 2 POCs in 2 states"), "\(refused.err)")
            #expect(refused.err.contains("--yes"))
            let rfiRefused = await poc.run("fra", ["rfi", "--to", "\(deu),\(kor)", "--incident-nature", "scanning"])
            #expect(rfiRefused.status == 64 && rfiRefused.err.contains("2 POCs in 2 states"))
            #expect(await poc.ok("deu", ["inbox"]).out.contains("no messages waiting"))
            // On a terminal: the states and POCs are shown, and anything but yes sends nothing.
            for (answer, expected) in [("", Int32(1)), ("n", 1), ("y", 0)] {
                let prompts = PromptLog()
                let result = await runOnTerminal(
                    poc, "fra", ["send", "--role", "technical", "--subject", "To all", "--body", "b"], answer: answer, prompts)
                #expect(result.status == expected, "answer \(answer): \(result.err)")
                let prompt = prompts.text
                #expect(prompt.contains("This message would go to 2 POCs in 2 states"))
                #expect(prompt.contains("DEU (1): DEU-TEC-1") && prompt.contains("KOR (1): KOR-TEC-1") && prompt.contains("[y/N]"))
            }
            let sent = await poc.ok("fra", ["send", "--role", "technical", "--subject", "To all", "--body", "b", "--urgency", "flash", "--yes"])
            #expect(sent.out.hasPrefix("sent FLASH message "), "\(sent.out)")
            #expect(sent.out.contains("to DEU-TEC-1, KOR-TEC-1"))
            // One state, one POC: no question.
            let single = await poc.ok("fra", ["send", "--state", "DEU", "--subject", "Bilateral", "--body", "b"])
            #expect(single.out.hasPrefix("sent ROUTINE message ") && single.out.contains("to DEU-TEC-1"))
        }
    }

    @Test("a later denial withdraws a grant: the forward is refused naming who withdrew and when; a new grant lifts it")
    func withdrawnConsent() async throws {
        try await withPoc { poc in
            let fra = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let usa = try await poc.enrol("usa", state: "USA", role: .technical)
            await poc.ok("fra", ["send", "--to", deu, "--subject", "Indicators", "--body", "IOC list"])
            let original = try await poc.firstInboxID("deu")
            await poc.ok("deu", ["read", original])
            await poc.ok("deu", ["consent", "request", original, "--third-party", usa, "--reason", "USA sees it too"])
            let request = try await poc.firstInboxID("fra")
            await poc.ok("fra", ["read", request])
            await poc.ok("fra", ["consent", "grant", request])
            try await Task.sleep(for: .milliseconds(1100))  // signed times have one-second resolution
            await poc.ok("fra", ["consent", "deny", request])
            for _ in 0..<2 { await poc.ok("deu", ["read", try await poc.firstInboxID("deu")]) }
            let refused = await poc.run("deu", ["forward", original, "--to", usa])
            #expect(refused.status == 64)
            #expect(refused.err.contains("poc: error: \(fra) withdrew consent at "), "\(refused.err)")
            #expect(await poc.ok("usa", ["inbox"]).out.contains("no messages waiting"))
            try await Task.sleep(for: .milliseconds(1100))
            await poc.ok("fra", ["consent", "grant", request])
            await poc.ok("deu", ["read", try await poc.firstInboxID("deu")])
            await poc.ok("deu", ["forward", original, "--to", usa])
        }
    }

    @Test("TLP:RED is not forwarded on --share alone; with every consent it is, and keeps its label")
    func redNeedsConsent() async throws {
        try await withPoc { poc in
            let fra = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let usa = try await poc.enrol("usa", state: "USA", role: .technical)
            await poc.ok("fra", ["send", "--to", deu, "--subject", "Red", "--body", "eyes only", "--tlp", "red", "--share"])
            let original = try await poc.firstInboxID("deu")
            await poc.ok("deu", ["read", original])
            let refused = await poc.run("deu", ["forward", original, "--to", usa])
            #expect(refused.status == 64)
            #expect(refused.err.contains("consent to share is missing from \(fra)"), "\(refused.err)")
            await poc.ok("deu", ["consent", "request", original, "--third-party", usa, "--reason", "USA sees it too"])
            let request = try await poc.firstInboxID("fra")
            await poc.ok("fra", ["read", request])
            await poc.ok("fra", ["consent", "grant", request])
            await poc.ok("deu", ["read", try await poc.firstInboxID("deu")])
            await poc.ok("deu", ["forward", original, "--to", usa])
            let inbox = await poc.ok("usa", ["inbox"])
            #expect(inbox.out.contains("TLP:RED"), "\(inbox.out)")
            let read = await poc.ok("usa", ["read", try await poc.firstInboxID("usa")])
            #expect(read.out.contains("TLP:RED") && read.out.contains("consent verified from \(fra)"), "\(read.out)")
        }
    }

    @Test("bodies: one source only, empty needs --allow-empty, the sent line names the urgency")
    func bodies() async throws {
        try await withPoc { poc in
            try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let file = poc.root.file("body.txt")
            try Data("from a file".utf8).write(to: URL(fileURLWithPath: file))
            let both = await poc.run("fra", ["send", "--to", deu, "--subject", "x", "--body", "y", "--body-file", file])
            #expect(both.status == 64 && both.err.contains("only one of --body, --body-file"), "\(both.err)")
            let empty = await poc.run("fra", ["send", "--to", deu, "--subject", "x"], input: " \n")
            #expect(empty.status == 64 && empty.err.contains("--allow-empty"), "\(empty.err)")
            #expect(await poc.ok("deu", ["inbox"]).out.contains("no messages waiting"))
            let allowed = await poc.ok("fra", ["send", "--to", deu, "--subject", "x", "--allow-empty", "--urgency", "immediate"])
            #expect(allowed.out.hasPrefix("sent IMMEDIATE message ") && allowed.out.contains("to \(deu)"), "\(allowed.out)")
        }
    }

    @Test("attachments: the encoded size is checked against the relay's advertised limit, and the true maximum fits")
    func attachmentLimit() async throws {
        let limit = 64 * 1024
        try await withPoc(configure: { $0.service.limits.maxBodyBytes = limit }) { poc in
            try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let file = poc.root.file("capture.bin")
            try Data(repeating: 7, count: 60 * 1024).write(to: URL(fileURLWithPath: file))
            let refused = await poc.run("fra", ["send", "--to", deu, "--subject", "pcap", "--body", "b", "--attach", file])
            #expect(refused.status == 64, "\(refused.err)")
            #expect(refused.err.contains("the relay takes \(limit) bytes"), "\(refused.err)")
            let maximum = try #require(refused.err.firstMatch(of: /at most (\d+) bytes/).flatMap { Int($0.output.1) }, "\(refused.err)")
            #expect(maximum < limit * 3 / 4 && maximum > limit * 3 / 4 - 2048)
            #expect(await poc.ok("deu", ["inbox"]).out.contains("no messages waiting"))
            try Data(repeating: 7, count: maximum + 1).write(to: URL(fileURLWithPath: file))
            #expect(await poc.run("fra", ["send", "--to", deu, "--subject", "pcap", "--body", "b", "--attach", file]).status == 64)
            try Data(repeating: 7, count: maximum).write(to: URL(fileURLWithPath: file))
            await poc.ok("fra", ["send", "--to", deu, "--subject", "pcap", "--body", "b", "--attach", file])
        }
    }
}

/// What a terminal was shown.
final class PromptLog: Sendable {
    private let lines = Mutex<[String]>([])
    var text: String { lines.withLock { $0.joined() } }
    func append(_ line: String) { lines.withLock { $0.append(line) } }
}

/// `poc ARGS` with a terminal that answers `answer` to the first question.
func runOnTerminal(_ poc: PocRunner, _ home: String, _ arguments: [String], answer: String, _ prompts: PromptLog) async -> PocRunner.Result {
    let variables = ["POC_PASSPHRASE_FILE": poc.passphraseFile, "POC_INSECURE_FAST_KDF": "1", "HOME": poc.root.path]
    let (captured, output) = PocEnvironment.captured(variables: variables)
    var environment = captured
    environment.linePrompt = { prompt in
        prompts.append(prompt)
        return answer
    }
    let status = await PocCLI.run(arguments + ["--home", poc.home(home)], environment: environment)
    return PocRunner.Result(status: status, out: output.standardOutput, err: output.standardError)
}

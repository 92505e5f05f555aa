import Foundation
import ProcessLaunch
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

/// The fenced ```sh blocks of a Markdown file, in order, with any list
/// indentation removed.
func shellBlocks(of markdown: String) -> [String] {
    var blocks: [String] = []
    var current: [String]?
    var indent = 0
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = line.drop { $0 == " " }
        if current == nil {
            if trimmed == "```sh" {
                current = []
                indent = line.count - trimmed.count
            }
        } else if trimmed.hasPrefix("```") {
            blocks.append(current!.joined(separator: "\n"))
            current = nil
        } else {
            current!.append(String(line.dropFirst(min(indent, line.prefix { $0 == " " }.count))))
        }
    }
    return blocks
}

/// What one shell script produced.
struct ShellRun: CustomStringConvertible {
    let status: Int32
    let standardOutput: String
    let standardError: String
    var description: String { "status \(status)\n--- stdout\n\(standardOutput)\n--- stderr\n\(standardError)" }
}

/// Runs a shell script with bash (`-e -o pipefail`) in `directory`.
func bash(_ script: String, environment: [String: String], in directory: String, timeout: Duration = .seconds(30)) async throws -> ShellRun {
    let run = try await ChildProcess.run(
        executable: "/bin/bash", arguments: ["-e", "-o", "pipefail", "-c", script], environment: environment,
        workingDirectory: directory, timeout: timeout)
    return ShellRun(
        status: run.status, standardOutput: String(decoding: run.standardOutput, as: UTF8.self),
        standardError: String(decoding: run.standardError, as: UTF8.self))
}

/// The first 32-hex-digit message id after `prefix` in `text`.
func messageID(after prefix: String, in text: String) -> String? {
    guard let range = text.range(of: prefix) else { return nil }
    return text[range.upperBound...].firstMatch(of: /[0-9a-f]{32}/).map { String($0.output) }
}

/// The ids of the inbox entries of `type` in `poc inbox --format json` output.
func inboxIDs(_ json: String, type: String) throws -> [String] {
    let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]], "not an inbox: \(json)")
    return entries.filter { $0["type"] as? String == type }.compactMap { $0["id"] as? String }
}

@Suite("docs/POC-101.md runs as written", .timeLimit(.minutes(2)))
struct GuideTests {
    static let guide = (DevCertificates.repositoryRoot as NSString).appendingPathComponent("docs/POC-101.md")

    @Test("the guide's shell blocks are found, and use only poc and the documented placeholders")
    func blocksAreWellFormed() throws {
        let blocks = shellBlocks(of: try String(contentsOfFile: Self.guide, encoding: .utf8))
        #expect(blocks.count >= 20, "found \(blocks.count) blocks")
        let placeholders: Set<String> = [
            "RELAY_URL", "CA_FILE", "RELAY_FINGERPRINT", "INVITE_TOKEN", "CORRESPONDENT", "CORRESPONDENT_FINGERPRINT", "SENT_ID",
            "MESSAGE_ID", "THIRD_PARTY", "REPLY_ID", "PING_ID",
        ]
        for block in blocks {
            for line in block.split(separator: "\n") where !line.hasPrefix("    ") {
                #expect(line.hasPrefix("poc "), "a command that is not poc: \(line)")
            }
            for variable in block.matches(of: /\$([A-Z_]+)/).map({ String($0.output.1) }) {
                #expect(placeholders.contains(variable), "undocumented placeholder $\(variable)")
            }
        }
    }

    @Test("every command of POC-101.md runs, in order, against a relay on loopback, and does what the guide says")
    func guideRuns() async throws {
        let blocks = shellBlocks(of: try String(contentsOfFile: Self.guide, encoding: .utf8))
        let poc = try BuiltProduct.named("poc")
        try await withTemporaryDirectory { directory in
            try FileManager.default.createDirectory(atPath: directory.file("relay"), withIntermediateDirectories: true)
            try await withRelay(dataDirectory: directory.file("relay")) { relay, api in
                let passphrase = directory.file("passphrase")
                try Data("correct horse battery staple, a test passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
                let ca = try DevCertificates.shared.get().caFile
                let relayID = relay.service.relayID
                let grouped = stride(from: 0, to: 32, by: 4).map { offset in
                    String(relayID.dropFirst(offset).prefix(4))
                }.joined(separator: " ")
                let path = poc.url.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
                let base = BuiltProduct.childEnvironment([
                    "PATH": path, "HOME": directory.path, "POC_PASSPHRASE_FILE": passphrase, "POC_INSECURE_FAST_KDF": "1",
                ])

                // The correspondent: another state's technical POC, on its own home, with the same binary.
                let theirs = base.merging(["POC_HOME": directory.file("deu")]) { $1 }
                func correspondent(_ arguments: String) async throws -> String {
                    let run = try await bash("poc \(arguments)", environment: theirs, in: directory.path)
                    try #require(run.status == 0, "correspondent: poc \(arguments)\n\(run)")
                    return run.standardOutput
                }
                let deuInvite = try await relay.service.invite(state: try StateCode("DEU"), role: .technical)
                _ = try await correspondent("init --server \(relay.baseURL.absoluteString) --ca \(ca) --relay-fingerprint \(relayID)")
                _ = try await correspondent(
                    "enrol --token \(deuInvite.token) --entity CERT-Bund --email cert@bund.example --languages de,en --entry-language en")
                let whoami = try await correspondent("whoami")
                let theirFingerprint = try #require(whoami.firstMatch(of: /fingerprint: ([0-9A-F ]{39})/)).output.1
                let third = try await relay.enrol("KOR", .technical, api: api)

                let invite = try await relay.service.invite(state: try StateCode("FRA"), role: .technical)
                var mine = base.merging([
                    "POC_HOME": directory.file("fra"), "RELAY_URL": relay.baseURL.absoluteString, "CA_FILE": ca, "RELAY_FINGERPRINT": grouped,
                    "INVITE_TOKEN": invite.token, "CORRESPONDENT": "DEU-TEC-1", "CORRESPONDENT_FINGERPRINT": String(theirFingerprint),
                    "THIRD_PARTY": third.id.rawValue,
                ]) { $1 }
                func me(_ arguments: String) async throws -> String {
                    let run = try await bash("poc \(arguments)", environment: mine, in: directory.path)
                    try #require(run.status == 0, "poc \(arguments)\n\(run)")
                    return run.standardOutput
                }

                var outputs: [String] = []
                for (index, block) in blocks.enumerated() {
                    // What other people do between the guide's steps.
                    if mine["MESSAGE_ID"] == nil && (block.contains("poc inbox") || block.contains("$MESSAGE_ID")) {
                        let sent = try await correspondent(
                            "rfi --to FRA-TEC-1 --urgency priority --incident-nature phishing --information-requested 'Do you see this domain?'")
                        let id: String = try #require(messageID(after: "sent ", in: sent))
                        mine["MESSAGE_ID"] = id
                    }
                    if mine["REPLY_ID"] == nil && block.contains("$REPLY_ID") {
                        let request = try #require(try inboxIDs(try await correspondent("inbox --format json"), type: "consent-request").first)
                        _ = try await correspondent("read \(request)")
                        _ = try await correspondent("consent grant \(request)")
                        let reply: String = try #require(try inboxIDs(try await me("inbox --format json"), type: "consent-reply").first)
                        mine["REPLY_ID"] = reply
                    }
                    if mine["PING_ID"] == nil && (block.contains("poc pings") || block.contains("$PING_ID")) {
                        let campaign = try await relay.service.startCampaign(deadline: nil)
                        #expect(campaign.pinged == 3)
                        let pings = try #require(
                            try JSONSerialization.jsonObject(with: Data(try await me("pings --format json").utf8)) as? [[String: Any]])
                        let ping: String = try #require(pings.first?["ping_id"] as? String)
                        mine["PING_ID"] = ping
                    }
                    if block.contains("poc watch") {
                        _ = try await correspondent(
                            "send --to FRA-TEC-1 --urgency routine --subject 'Contact update' --body 'New duty phone from Monday.'")
                    }

                    let run = try await bash(block, environment: mine, in: directory.path)
                    try #require(run.status == 0, "block \(index + 1) of POC-101.md failed:\n\(block)\n\(run)")
                    outputs.append(run.standardOutput)
                    if mine["SENT_ID"] == nil, let sent = messageID(after: "sent ", in: run.standardOutput) { mine["SENT_ID"] = sent }
                }

                // What the guide says happened, seen from the other side.
                let all = outputs.joined(separator: "\n")
                #expect(all.contains("enrolled as FRA-TEC-1"))
                #expect(all.contains("trusted DEU-TEC-1"))
                #expect(all.contains("forwarded \(mine["MESSAGE_ID"] ?? "-") to \(third.id)"))
                let received = try await correspondent("inbox --format json")
                #expect(try inboxIDs(received, type: "rfi").count == 1, "the request for information did not arrive")
                #expect(try inboxIDs(received, type: "rfi-response").count == 2, "the acknowledgement and the answer did not both arrive")
                let exercise = try #require(try JSONSerialization.jsonObject(with: Data(received.utf8)) as? [[String: Any]]).filter {
                    $0["exercise"] as? Bool == true
                }
                #expect(exercise.count == 1 && exercise.first?["urgency"] as? String == "flash", "the exercise message: \(exercise)")
                let status = try await me("status \(try #require(mine["SENT_ID"]))")
                #expect(status.contains("DEU-TEC-1"))
                let audit = try await relay.service.pingAudit(for: nil)
                let fra = audit.campaigns.first?.pings.first { $0.pocID.rawValue == "FRA-TEC-1" }
                #expect(fra?.status.rawValue == "answered")
                #expect(FileManager.default.fileExists(atPath: directory.file("my-record.html")))
            }
        }
    }
}

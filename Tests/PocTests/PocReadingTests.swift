import CommandLineSupport
import Foundation
import PocKit
import RelayProtocol
import RelayService
import RelayTestSupport
import Sodium
import Testing

@Suite("poc for the duty officer: the screen, the record, trust, watch, attachments (the built binary)")
struct PocReadingTests {
    @Test("inbox: aligned by display width with CJK text, exercise and TLP columns, counts and the ping line; cut and coloured only on a terminal")
    func inboxScreen() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            let fra = try await screen.enrol("fra", state: "FRA", entity: "CERT-FR")
            _ = fra
            let chn = try await screen.enrol("chn", state: "CHN", entity: "国家互联网应急中心")
            _ = chn
            let deu = try await screen.enrol("deu", state: "DEU", entity: "CERT-Bund")
            let long = "Ransomware campaign against hospital networks in three regions, indicators attached, please confirm receipt"
            try await screen.ok("fra", ["send", "--to", deu, "--urgency", "flash", "--tlp", "RED", "--subject", long, "--body", "b"])
            try await screen.ok("chn", ["send", "--to", deu, "--urgency", "immediate", "--subject", "关于恶意软件活动的紧急通知", "--body", "b"])
            try await screen.ok("fra", ["send", "--to", deu, "--exercise", "--subject", "Drill: tabletop", "--body", "b"])
            _ = try await relay.service.startCampaign(deadline: 3600)

            // Into a pipe: nothing cut, no colour; every ID starts in the same display column.
            let piped = try await screen.ok("deu", ["inbox"])
            let lines = piped.standardOutput.split(separator: "\n").map(String.init)
            #expect(!piped.standardOutput.contains("\u{1B}["))
            #expect(piped.standardOutput.contains(long), "no truncation into a pipe")
            #expect(piped.standardOutput.contains("TLP:RED"))
            let rows = lines.filter { $0.contains("FRA-TEC-1") || $0.contains("CHN-TEC-1") }
            #expect(rows.count == 3, "\(piped)")
            let idColumns = Set(
                rows.compactMap { row in
                    row.range(of: #"[0-9A-Z]{26}|[0-9a-f]{8}-"#, options: .regularExpression).map { DisplayWidth.of(String(row[..<$0.lowerBound])) }
                })
            let accepted = Set(
                rows.compactMap { row in
                    row.range(of: #"20\d\d-\d\d-\d\dT"#, options: .regularExpression).map { DisplayWidth.of(String(row[..<$0.lowerBound])) }
                })
            #expect(accepted.count == 1, "the ACCEPTED column is aligned by display width: \(rows)")
            #expect(idColumns.count <= 1)
            #expect(rows.contains { $0.contains("EXERCISE") && $0.contains("Drill: tabletop") })
            #expect(piped.standardOutput.contains("3 messages (1 FLASH, 1 IMMEDIATE, 1 EXERCISE)"), "\(piped)")
            #expect(piped.standardOutput.contains("1 ping waiting: poc ping answer "), "\(piped)")
            let json = try await screen.ok("deu", ["inbox", "--format", "json"])
            #expect(json.standardOutput.contains("\"tlp\" : \"RED\""), "\(json)")

            // On an 80-column terminal: no row wraps, FLASH red and IMMEDIATE yellow, the labels still written.
            let terminal = try await screen.onTerminal("deu", ["inbox"])
            #expect(terminal.status == 0, "\(terminal.screen)")
            for line in terminal.screen.split(separator: "\n") {
                #expect(DisplayWidth.of(withoutColour(String(line))) <= 80, "wraps at 80 columns: \(line)")
            }
            #expect(terminal.screen.contains("\u{1B}[1;31mFLASH\u{1B}[0m"), "\(terminal.screen)")
            #expect(terminal.screen.contains("\u{1B}[1;33mIMMEDIATE\u{1B}[0m"))
            #expect(terminal.screen.contains("…"), "the long subject is cut to the width")
            #expect(terminal.screen.contains("  EXERCISE Drill: tabletop"), "the exercise mark on the subject's own line too")
            // COLUMNS wins over the terminal's size; NO_COLOR turns colour off, not the labels.
            let narrow = try await screen.onTerminal("deu", ["inbox"], extra: ["COLUMNS": "100", "NO_COLOR": "1"])
            #expect(!narrow.screen.contains("\u{1B}["), "\(narrow.screen)")
            #expect(narrow.screen.contains("FLASH") && narrow.screen.contains("IMMEDIATE"))
            #expect(narrow.screen.split(separator: "\n").contains { DisplayWidth.of(String($0)) > 80 })
            #expect(narrow.screen.split(separator: "\n").allSatisfy { DisplayWidth.of(String($0)) <= 100 })
        }
    }

    @Test("the record: receipts recorded when the client talks to the relay, delivery per message, --unreceipted, TLP, stable order")
    func record() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            let fra = try await screen.enrol("fra", state: "FRA", entity: "CERT-FR")
            let deu = try await screen.enrol("deu", state: "DEU", entity: "CERT-Bund")
            let chn = try await screen.enrol("chn", state: "CHN", entity: "国家互联网应急中心")
            // DEU writes first; FRA reads it only after sending its own: sorted by sending time, not by recording.
            let early = try screen.sent(try await screen.ok("deu", ["send", "--to", fra, "--subject", "early", "--body", "b"]))
            try await Task.sleep(for: .milliseconds(1100))
            let mine = try screen.sent(
                try await screen.ok("fra", ["send", "--yes", "--to", "\(deu),\(chn)", "--tlp", "AMBER", "--subject", "to two", "--body", "b"]))
            try await screen.ok("fra", ["read", early])
            try await screen.ok("deu", ["read", mine])

            // No `poc status`: FRA's inbox talks to the relay, which is enough to record DEU's receipt.
            try await screen.ok("fra", ["inbox"])
            let log = try await screen.ok("fra", ["log"])
            #expect(log.standardOutput.contains("1/2 receipted"), "\(log)")
            #expect(log.standardOutput.contains("TLP:AMBER"))
            let order = log.standardOutput.split(separator: "\n").filter { $0.contains(early) || $0.contains(mine) }
            #expect(order.count == 2 && order[0].contains(early) && order[1].contains(mine), "oldest first by sending time: \(log)")
            let pending = try await screen.ok("fra", ["log", "--unreceipted"])
            #expect(pending.standardOutput.contains(mine) && !pending.standardOutput.contains(early), "\(pending)")
            let shown = try await screen.ok("fra", ["log", "show", mine])
            #expect(shown.standardOutput.contains("TLP:AMBER") && shown.standardOutput.contains("Delivery: 1/2 receipted"), "\(shown)")
            let exported = try await screen.ok("fra", ["log", "export"])
            #expect(exported.standardOutput.contains("\"tlp\" : \"AMBER\"") && exported.standardOutput.contains("\"receipted\" : 1"), "\(exported)")
            let html = try await screen.ok("fra", ["log", "export", "--format", "html"])
            #expect(html.standardOutput.contains("TLP:AMBER") && html.standardOutput.contains("1/2 receipted"))

            try await screen.ok("chn", ["read", mine])
            try await screen.ok("fra", ["inbox"])
            let done = try await screen.ok("fra", ["log", "--unreceipted"])
            #expect(done.standardOutput.contains("no sent messages missing a receipt"), "\(done)")
            #expect(try await screen.ok("fra", ["log"]).standardOutput.contains("2/2 receipted"))
            let nobody = try await screen.ok("fra", ["log", "--with", "GBR-TEC-1"])
            #expect(nobody.standardOutput.contains("no messages with GBR-TEC-1"), "\(nobody)")
        }
    }

    @Test("directory: trust per entry, pinned, verified after `poc trust`, changed when the relay shows another key; json carries it")
    func trust() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            let fra = try await screen.enrol("fra", state: "FRA", entity: "CERT-FR")
            let deu = try await screen.enrol("deu", state: "DEU", entity: "CERT-Bund")
            let gbr = try await screen.enrol("gbr", state: "GBR", entity: "NCSC")
            let before = try await screen.ok("fra", ["directory"])
            let deuRow = try #require(before.standardOutput.split(separator: "\n").first { $0.hasPrefix(deu) })
            #expect(deuRow.contains("pinned"), "\(before)")
            #expect(before.standardOutput.split(separator: "\n").first { $0.hasPrefix(fra) }?.contains("verified") == true)
            let fingerprint = try #require(
                try await screen.ok("fra", ["directory", "show", deu]).standardOutput.split(separator: "\n").first { $0.hasPrefix("fingerprint:") }?
                    .dropFirst("fingerprint:".count).trimmingCharacters(in: .whitespaces))
            try await screen.ok("fra", ["trust", deu, "--fingerprint", fingerprint])
            _ = try PocTrustTests().substituteKeys(of: gbr, in: relay)
            let after = try await screen.ok("fra", ["directory"])
            #expect(after.standardOutput.split(separator: "\n").first { $0.hasPrefix(deu) }?.contains("verified") == true, "\(after)")
            #expect(after.standardOutput.split(separator: "\n").first { $0.hasPrefix(gbr) }?.contains("changed") == true, "\(after)")
            let json = try await screen.ok("fra", ["directory", "--format", "json"])
            let entries = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]])
            let trust = Dictionary(uniqueKeysWithValues: entries.compactMap { e in (e["poc_id"] as? String).map { ($0, e["trust"] as? String) } })
            #expect(trust[deu] == "verified" && trust[gbr] == "changed" && trust[fra] == "verified", "\(json)")
            let show = try await screen.ok("fra", ["directory", "show", deu])
            #expect(show.standardOutput.contains("trust:        verified"), "\(show)")
        }
    }

    @Test("the trust rule: a changed identity key is changed even if it was verified; otherwise the pin decides")
    func trustRule() {
        let a = Fingerprint(of: SigningKeyPair().publicKey), b = Fingerprint(of: SigningKeyPair().publicKey)
        #expect(TrustLevel.of(verdict: .identityChanged(pinned: a, shown: b), pin: nil) == .changed)
        #expect(TrustLevel.of(verdict: .unchanged, pin: nil) == .pinned)
        #expect(TrustLevel.of(verdict: .pinnedNow, pin: nil) == .pinned)
    }

    @Test("watch: a waiting ping shows at once and is not counted as a message")
    func watch() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            let fra = try await screen.enrol("fra", state: "FRA", entity: "CERT-FR")
            _ = try await screen.enrol("deu", state: "DEU", entity: "CERT-Bund")
            _ = try await relay.service.startCampaign(deadline: 3600)
            async let watched = screen.run("fra", ["watch", "--count", "1", "--seconds", "25"], timeout: .seconds(40))
            try await Task.sleep(for: .seconds(3))
            try await screen.ok("deu", ["send", "--to", fra, "--subject", "after the ping", "--body", "b"])
            let run = try await watched
            #expect(run.status == 0, "\(run)")
            let lines = run.standardOutput.split(separator: "\n")
            #expect(lines.count == 2, "one ping and one message: \(run)")
            #expect(lines.first?.hasPrefix("PING ") == true, "the ping comes first, before any long poll: \(run)")
            #expect(lines.last?.contains("after the ping") == true)
        }
    }

    @Test("read --save-attachments: creates the folder, says each file, refuses to overwrite without --force, refuses unsafe names")
    func saveAttachments() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            _ = try await screen.enrol("fra", state: "FRA", entity: "CERT-FR")
            let deu = try await screen.enrol("deu", state: "DEU", entity: "CERT-Bund")
            let file = screen.homes.file("iocs.txt")
            try Data("198.51.100.7\n".utf8).write(to: URL(fileURLWithPath: file))
            let id = try screen.sent(try await screen.ok("fra", ["send", "--to", deu, "--subject", "iocs", "--body", "b", "--attach", file]))
            let folder = screen.homes.file("saved/new/folder")
            let first = try await screen.ok("deu", ["read", id, "--save-attachments", folder])
            let saved = (folder as NSString).appendingPathComponent("iocs.txt")
            #expect(first.standardError.contains("poc: saved \(saved)"), "\(first)")
            #expect(FileManager.default.contents(atPath: saved) == Data("198.51.100.7\n".utf8))
            try Data("mine".utf8).write(to: URL(fileURLWithPath: saved))
            let again = try await screen.run("deu", ["read", id, "--save-attachments", folder])
            #expect(again.status == 64 && again.standardError.contains("already exists") && again.standardError.contains("--force"), "\(again)")
            #expect(FileManager.default.contents(atPath: saved) == Data("mine".utf8))
            try await screen.ok("deu", ["read", id, "--save-attachments", folder, "--force"])
            #expect(FileManager.default.contents(atPath: saved) == Data("198.51.100.7\n".utf8))
            let notFolder = try await screen.run("deu", ["read", id, "--save-attachments", file])
            #expect(notFolder.status == 64 && notFolder.standardError.contains("not a folder"), "\(notFolder)")
        }
    }

    @Test("attachment names that would leave the folder are refused before anything is written")
    func unsafeNames() throws {
        for name in ["../escape", "a/b", "..", "x\u{0}y", "", "evil\\name"] { #expect(AttachmentSaver.refusal(of: name) != nil, "\(name)") }
        #expect(AttachmentSaver.refusal(of: "report.pdf") == nil)
        let folder = try TemporaryDirectory(prefix: "poc-attach")
        defer { folder.remove() }
        let good = Attachment(name: "ok.txt", mediaType: "text/plain", data: Data("x".utf8))
        let bad = Attachment(name: "../outside.txt", mediaType: "text/plain", data: Data("x".utf8))
        #expect(throws: PocError.self) { try AttachmentSaver(folder: folder.path, force: false).save([good, bad]) }
        #expect(!FileManager.default.fileExists(atPath: folder.file("ok.txt")))
        #expect(!FileManager.default.fileExists(atPath: folder.file("../outside.txt")))
    }
}

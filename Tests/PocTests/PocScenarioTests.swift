import Foundation
import PocKit
import RelayClient
import RelayProtocol
import RelayService
import RelayTestSupport
import Sodium
import Testing

@Suite("poc: enrolment, messages, receipts, record")
struct PocScenarioTests {
    @Test("init pins the relay, refusing a wrong fingerprint (65)")
    func initPins() async throws {
        try await withPoc { poc in
            let wrong = await poc.run(
                "a",
                [
                    "init", "--server", poc.relay.baseURL.absoluteString, "--ca", try poc.caFile, "--relay-fingerprint",
                    String(repeating: "0", count: 32),
                ])
            #expect(wrong.status == 65)
            #expect(wrong.err.hasPrefix("poc: error: the relay's fingerprint"))
            let right = await poc.ok(
                "a", ["init", "--server", poc.relay.baseURL.absoluteString, "--ca", try poc.caFile, "--relay-fingerprint", poc.relay.service.relayID])
            let relayID = poc.relay.service.relayID
            let grouped = stride(from: 0, to: 32, by: 4).map { String(Array(relayID)[$0..<($0 + 4)]) }.joined(separator: " ")
            #expect(right.out.contains("relay fingerprint: \(grouped)"))
            let unreachable = await poc.run("b", ["init", "--server", "https://127.0.0.1:1"])
            #expect(unreachable.status == 69)
            let notEnrolled = await poc.run("a", ["inbox"])
            #expect(notEnrolled.status == 64)
            #expect(notEnrolled.err.contains("poc enrol"))
        }
    }

    @Test("an urgent request for information is read, receipted, acknowledged; the sender sees verified receipts")
    func requestForInformation() async throws {
        try await withPoc { poc in
            let fra = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            #expect(fra == "FRA-TEC-1" && deu == "DEU-TEC-1")
            let whoami = await poc.ok("fra", ["whoami"])
            #expect(whoami.out.contains("FRA-TEC-1 (FRA, technical)"))
            let directory = await poc.ok("fra", ["directory", "--role", "technical"])
            #expect(directory.out.contains("DEU-TEC-1") && directory.out.contains("signed by the pinned relay key"))
            let marker = "MARKER-\(UUID().uuidString)"
            let sent = await poc.ok(
                "fra",
                ["rfi", "--to", deu, "--urgency", "immediate", "--incident-nature", "scanning", "--information-requested", marker, "--tlp", "amber"])
            #expect(sent.out.hasPrefix("sent "))
            let inbox = await poc.ok("deu", ["inbox"])
            #expect(inbox.out.contains("IMMEDIATE") && inbox.out.contains("rfi"))
            let id = try await poc.firstInboxID("deu")
            let read = await poc.ok("deu", ["read", id])
            #expect(read.out.contains("From:     FRA-TEC-1 (signature verified)"))
            #expect(read.out.contains(marker))
            #expect(read.out.contains("TLP:AMBER"))
            #expect(read.err.contains("receipt sent"))
            #expect(await poc.ok("deu", ["inbox"]).out.contains("no messages waiting"))
            let ack = await poc.ok("deu", ["respond", id, "--acknowledge", "--eta", "24h", "--lead-agency", "BSI"])
            #expect(ack.out.hasPrefix("sent "))
            let status = await poc.ok("fra", ["status", id])
            #expect(status.out.contains("DEU-TEC-1") && status.out.contains("verified"))
            // A custodian may see the delivery of any message, but its record lacks the body digest:
            // the receipt is unchecked there, not called forged.
            try await poc.enrol("uno", state: "UNO", role: .custodian)
            let audited = await poc.ok("uno", ["status", id])
            #expect(audited.out.contains("DEU-TEC-1") && audited.out.contains("unchecked (message not in this record)"))
            #expect(!audited.out.contains("INVALID"))
            let reply = try await poc.firstInboxID("fra")
            let answer = await poc.ok("fra", ["read", reply])
            #expect(answer.out.contains("not agreement with, or endorsement of"))
            #expect(answer.out.contains("Reply to: \(id)"))
            // The record keeps both sides; the file holds no plaintext.
            let log = await poc.ok("deu", ["log", "--with", fra])
            #expect(log.out.contains(id) && log.out.contains("rfi-response"))
            let shown = await poc.ok("deu", ["log", "show", id])
            #expect(shown.out.contains(marker))
            for home in ["fra", "deu"] {
                for file in try FileManager.default.contentsOfDirectory(atPath: poc.home(home)) {
                    let bytes = try Data(contentsOf: URL(fileURLWithPath: (poc.home(home) as NSString).appendingPathComponent(file)))
                    #expect(bytes.range(of: Data(marker.utf8)) == nil, "\(home)/\(file) holds plaintext")
                    #expect(bytes.range(of: Data("scanning".utf8)) == nil, "\(home)/\(file) holds plaintext")
                }
            }
            let export = await poc.ok("deu", ["log", "export", "--format", "json"])
            #expect(export.out.contains(marker))
            let html = await poc.ok("deu", ["log", "export", "--format", "html"])
            #expect(html.out.hasPrefix("<!doctype html>"))
        }
    }

    @Test("exercise traffic is bannered EXERCISE on every line it appears on")
    func exerciseBanners() async throws {
        try await withPoc { poc in
            _ = try await poc.enrol("fra", state: "FRA", role: .diplomatic)
            let deu = try await poc.enrol("deu", state: "DEU", role: .diplomatic)
            await poc.ok("fra", ["send", "--to", deu, "--subject", "Drill", "--exercise", "--urgency", "flash"], input: "Line one\nLine two")
            let inbox = await poc.ok("deu", ["inbox"])
            let rows = inbox.out.split(separator: "\n").dropFirst()
            #expect(rows.allSatisfy { $0.hasPrefix("EXERCISE") })
            let id = try await poc.firstInboxID("deu")
            let read = await poc.ok("deu", ["read", id])
            for line in read.out.split(separator: "\n", omittingEmptySubsequences: true) {
                #expect(line.hasPrefix("EXERCISE") || line.hasPrefix("=== EXERCISE"), "unmarked line: \(line)")
            }
            #expect(
                await poc.ok("deu", ["log"]).out.split(separator: "\n").dropFirst().allSatisfy { $0.hasPrefix("EXERCISE") || $0.contains("ping") })
        }
    }

    @Test("the routing rule is explained before anything is sent (64)")
    func routing() async throws {
        try await withPoc { poc in
            _ = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .diplomatic)
            let refused = await poc.run("fra", ["send", "--to", deu, "--subject", "x", "--body", "y"])
            #expect(refused.status == 64)
            #expect(refused.err.contains("routing rule"))
            let missing = await poc.run("fra", ["send", "--subject", "x", "--body", "y"])
            #expect(missing.status == 64)
        }
    }
}

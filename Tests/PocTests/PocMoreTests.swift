import Foundation
import PocCLI
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

@Suite("poc: key rotation, attachments, the RFI editor form, watch")
struct PocMoreTests {
    @Test("after a key rotation, messages sealed before and after both open")
    func rotation() async throws {
        try await withPoc { poc in
            _ = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            await poc.ok("fra", ["send", "--to", deu, "--subject", "before", "--body", "sealed to the old key"])
            let fingerprint = await poc.ok("deu", ["whoami"]).out
            await poc.ok("deu", ["keys", "rotate"])
            #expect(await poc.ok("deu", ["whoami"]).out == fingerprint)
            // FRA sees a certified rotation and accepts it.
            let listing = await poc.ok("fra", ["directory"])
            #expect(listing.out.contains("encryption key rotated (certified)"))
            await poc.ok("fra", ["send", "--to", deu, "--subject", "after", "--body", "sealed to the new key"])
            let inbox = await poc.ok("deu", ["inbox", "--format", "json"])
            let lines = try #require(try JSONSerialization.jsonObject(with: Data(inbox.out.utf8)) as? [[String: Any]])
            #expect(lines.count == 2)
            for line in lines {
                let read = await poc.ok("deu", ["read", try #require(line["id"] as? String)])
                #expect(read.out.contains("sealed to the"))
            }
        }
    }

    @Test("attachments travel sealed and are saved on request")
    func attachments() async throws {
        try await withPoc { poc in
            _ = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let file = poc.root.file("iocs.csv")
            try Data("ip,first_seen\n192.0.2.7,2026-11-22\n".utf8).write(to: URL(fileURLWithPath: file))
            await poc.ok("fra", ["send", "--to", deu, "--subject", "IOCs", "--body", "see file", "--attach", file])
            let id = try await poc.firstInboxID("deu")
            let folder = poc.root.file("saved")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let read = await poc.ok("deu", ["read", id, "--save-attachments", folder])
            #expect(read.out.contains("Attachment: iocs.csv (text/csv, 35 bytes)"))
            #expect(
                try Data(contentsOf: URL(fileURLWithPath: (folder as NSString).appendingPathComponent("iocs.csv")))
                    == Data(contentsOf: URL(fileURLWithPath: file)))
            let big = poc.root.file("big.bin")
            try Data(count: 2 << 20).write(to: URL(fileURLWithPath: big))
            let refused = await poc.run("fra", ["send", "--to", deu, "--subject", "too big", "--body", "x", "--attach", big])
            #expect(refused.status == 64)
        }
    }

    @Test("rfi --edit fills the form in $EDITOR; empty fields are allowed")
    func editorForm() async throws {
        try await withPoc { poc in
            _ = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let editor = poc.root.file("editor.sh")
            try Data("#!/bin/sh\nsed -i 's/^Nature of the incident:.*/Nature of the incident: ransomware/' \"$1\"\n".utf8)
                .write(to: URL(fileURLWithPath: editor))
            chmod(editor, 0o755)
            let variables = ["POC_PASSPHRASE_FILE": poc.passphraseFile, "POC_INSECURE_FAST_KDF": "1", "EDITOR": editor]
            let (environment, output) = PocEnvironment.captured(variables: variables)
            let status = await PocCLI.run(["rfi", "--to", deu, "--edit", "--home", poc.home("fra")], environment: environment)
            #expect(status == 0, "\(output.standardError)")
            let id = try await poc.firstInboxID("deu")
            let read = await poc.ok("deu", ["read", id])
            #expect(read.out.contains("Nature of the incident: ransomware"))
            #expect(read.out.contains("Subject:  Request for information: ransomware"))
        }
    }

    @Test("watch prints arrivals, runs --exec with metadata only, and shows pings without answering them")
    func watch() async throws {
        try await withPoc { poc in
            _ = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let marker = poc.root.file("events")
            async let watching = poc.run(
                "deu", ["watch", "--count", "2", "--seconds", "20", "--exec", "echo \"$POC_EVENT $POC_URGENCY $POC_FROM\" >> \(marker)"])
            try await Task.sleep(for: .milliseconds(800))
            await poc.ok("fra", ["send", "--to", deu, "--urgency", "flash", "--subject", "Wake up", "--body", "secret body"])
            _ = try await poc.relay.service.startCampaign(deadline: 3600)
            let result = await watching
            #expect(result.status == 0, "\(result.err)")
            #expect(result.out.contains("\u{7}FLASH"))
            #expect(result.out.contains("Wake up"))
            #expect(result.out.contains("PING "))
            let events = String(decoding: try Data(contentsOf: URL(fileURLWithPath: marker)), as: UTF8.self)
            #expect(events.contains("message flash FRA-TEC-1"))
            #expect(events.contains("ping"))
            #expect(!events.contains("secret body"))
            let pings = await poc.ok("deu", ["pings", "--format", "json"])
            #expect(pings.out.contains("\"genuine\" : true"))
        }
    }
}

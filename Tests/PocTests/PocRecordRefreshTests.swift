import Foundation
import PocKit
import RelayProtocol
import RelayTestSupport
import Testing

@Suite("poc records receipts whenever it talks to the relay: send and sync too (the built binary)")
struct PocRecordRefreshTests {
    @Test("a send records the receipts of earlier messages; sync names the urgency and records them too")
    func sendAndSyncRefresh() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            _ = try await screen.enrol("fra", state: "FRA", entity: "CERT-FR")
            let deu = try await screen.enrol("deu", state: "DEU", entity: "CERT-Bund")
            let first = try screen.sent(try await screen.ok("fra", ["send", "--to", deu, "--subject", "first", "--body", "b"]))
            try await screen.ok("deu", ["read", first])

            // FRA only sends: no inbox, no status. The send is enough to record DEU's receipt.
            let second = try screen.sent(try await screen.ok("fra", ["send", "--to", deu, "--subject", "second", "--body", "b"]))
            let log = try await screen.ok("fra", ["log"])
            let firstRow = log.standardOutput.split(separator: "\n").first { $0.contains(first) }
            #expect(firstRow?.contains("1/1 receipted") == true, "\(log)")

            // Queued while the relay is out of reach, then `poc sync`: its line names the
            // urgency as `poc send` does, and DEU's receipt of the second reaches the record.
            try await screen.ok("deu", ["read", second])
            let profilePath = (screen.homes.file("fra") as NSString).appendingPathComponent("profile.json")
            let original = try Data(contentsOf: URL(fileURLWithPath: profilePath))
            var profile = try WireJSON.decode(Profile.self, from: original)
            profile.server = "https://127.0.0.1:1"
            try WireJSON.encode(profile).write(to: URL(fileURLWithPath: profilePath))
            let queued = try await screen.run("fra", ["send", "--to", deu, "--urgency", "immediate", "--subject", "third", "--body", "b"])
            #expect(queued.status == 69, "\(queued)")
            let third = try #require(
                queued.standardOutput.split(separator: " ").dropFirst().first.map { String($0.dropLast()) }.flatMap { try? MessageID($0) },
                "\(queued)")
            try original.write(to: URL(fileURLWithPath: profilePath))
            let sync = try await screen.ok("fra", ["sync"])
            #expect(sync.standardOutput.hasPrefix("sent IMMEDIATE message \(third) to \(deu) (accepted "), "\(sync)")
            let after = try await screen.ok("fra", ["log"])
            let secondRow = after.standardOutput.split(separator: "\n").first { $0.contains(second) }
            #expect(secondRow?.contains("1/1 receipted") == true, "\(after)")
        }
    }

    @Test("a consent request and a consent reply record the receipts of earlier messages too")
    func consentRefresh() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            _ = try await screen.enrol("fra", state: "FRA", entity: "CERT-FR")
            let deu = try await screen.enrol("deu", state: "DEU", entity: "CERT-Bund")
            let kor = try await screen.enrol("kor", state: "KOR", entity: "KrCERT/CC")
            let original = try screen.sent(try await screen.ok("fra", ["send", "--to", deu, "--subject", "indicators", "--body", "b"]))
            let toKOR = try screen.sent(try await screen.ok("fra", ["send", "--to", kor, "--subject", "to KOR", "--body", "b"]))
            try await screen.ok("deu", ["read", original])
            try await screen.ok("deu", ["consent", "request", original, "--third-party", kor, "--reason", "KOR sees it too"])
            let inbox = try await screen.ok("fra", ["inbox", "--format", "json"])
            let entries = try JSONSerialization.jsonObject(with: Data(inbox.standardOutput.utf8)) as? [[String: Any]]
            let request = try #require(entries?.first?["id"] as? String, "\(inbox)")
            try await screen.ok("fra", ["read", request])

            // KOR receipts after FRA last talked to the relay; FRA's consent reply is enough to record it.
            try await screen.ok("kor", ["read", toKOR])
            try await screen.ok("fra", ["consent", "grant", request])
            let log = try await screen.ok("fra", ["log"])
            #expect(log.standardOutput.split(separator: "\n").first { $0.contains(toKOR) }?.contains("1/1 receipted") == true, "\(log)")

            // The same for a consent request: KOR receipts DEU's message after DEU's send, then DEU asks.
            let fresh = try screen.sent(try await screen.ok("deu", ["send", "--to", kor, "--subject", "to KOR from DEU", "--body", "b"]))
            try await screen.ok("kor", ["read", fresh])
            try await screen.ok("deu", ["consent", "request", original, "--third-party", kor, "--reason", "again"])
            let deuLog = try await screen.ok("deu", ["log"])
            #expect(deuLog.standardOutput.split(separator: "\n").first { $0.contains(fresh) }?.contains("1/1 receipted") == true, "\(deuLog)")
        }
    }
}

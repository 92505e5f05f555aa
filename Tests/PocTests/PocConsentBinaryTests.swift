import Foundation
import RelayProtocol
import RelayTestSupport
import Testing

@Suite("consent through the built poc: a later denial withdraws a grant; TLP:RED needs every consent and keeps its label")
struct PocConsentBinaryTests {
    /// The ids of `type` entries in HOME's `poc inbox --format json`.
    static func inbox(_ screen: PocScreen, _ home: String, type: String) async throws -> [String] {
        let listed = try await screen.ok(home, ["inbox", "--format", "json"])
        let entries = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]], "\(listed)")
        return entries.filter { $0["type"] as? String == type }.compactMap { $0["id"] as? String }
    }

    @Test("RED with --share is refused; grant, then deny, is refused naming who withdrew; a new grant forwards it, still TLP:RED")
    func withdrawnAndRed() async throws {
        try await LiveRelay.with { relay in
            let screen = try PocScreen(relay: relay)
            defer { screen.remove() }
            let fra = try await screen.enrol("fra", state: "FRA", entity: "CERT-FR")
            let deu = try await screen.enrol("deu", state: "DEU", entity: "CERT-Bund")
            let usa = try await screen.enrol("usa", state: "USA", entity: "CISA")
            let original = try screen.sent(
                try await screen.ok("fra", ["send", "--to", deu, "--subject", "Red", "--body", "eyes only", "--tlp", "red", "--share"]))
            try await screen.ok("deu", ["read", original])
            let onShare = try await screen.run("deu", ["forward", original, "--to", usa])
            #expect(onShare.status == 64, "--share alone does not release TLP:RED: \(onShare)")
            #expect(onShare.standardError.contains("consent to share is missing from \(fra)"), "\(onShare)")

            try await screen.ok("deu", ["consent", "request", original, "--third-party", usa, "--reason", "USA sees it too"])
            let request = try #require(try await Self.inbox(screen, "fra", type: "consent-request").first)
            try await screen.ok("fra", ["read", request])
            try await screen.ok("fra", ["consent", "grant", request])
            try await Task.sleep(for: .milliseconds(1100))  // signed times have one-second resolution
            try await screen.ok("fra", ["consent", "deny", request])
            for reply in try await Self.inbox(screen, "deu", type: "consent-reply") { try await screen.ok("deu", ["read", reply]) }
            let withdrawn = try await screen.run("deu", ["forward", original, "--to", usa])
            #expect(withdrawn.status == 64, "\(withdrawn)")
            #expect(withdrawn.standardError.hasPrefix("poc: error: \(fra) withdrew consent at "), "\(withdrawn)")
            #expect(try await Self.inbox(screen, "usa", type: "forward").isEmpty)

            try await Task.sleep(for: .milliseconds(1100))
            try await screen.ok("fra", ["consent", "grant", request])
            for reply in try await Self.inbox(screen, "deu", type: "consent-reply") { try await screen.ok("deu", ["read", reply]) }
            let forwarded = try await screen.ok("deu", ["forward", original, "--to", usa])
            #expect(forwarded.standardOutput.contains("forwarded \(original) to \(usa)"), "\(forwarded)")
            let usaInbox = try await screen.ok("usa", ["inbox"])
            #expect(usaInbox.standardOutput.contains("TLP:RED"), "the forward keeps the label: \(usaInbox)")
            let received = try #require(try await Self.inbox(screen, "usa", type: "forward").first, "\(usaInbox)")
            let read = try await screen.ok("usa", ["read", received])
            #expect(read.standardOutput.contains("TLP:RED") && read.standardOutput.contains("consent verified from \(fra)"), "\(read)")
        }
    }
}

import Foundation
import GRDB
import PocKit
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

@Suite("poc: pinned keys, forged pings, consent-gated forwarding, the outbox")
struct PocTrustTests {
    /// Plays a compromised relay: replaces a POC's identity and encryption keys in the store.
    func substituteKeys(of pocID: String, in relay: LiveRelay) throws -> Fingerprint {
        let attacker = SigningKeyPair(), box = BoxKeyPair()
        let certificate = KeyCertificate.issue(boxKey: box.publicKey, createdAt: .now(), identity: attacker)
        let queue = try DatabaseQueue(path: (relay.dataDirectory as NSString).appendingPathComponent("relay.sqlite"))
        try queue.write { db in
            try db.execute(
                sql: "UPDATE pocs SET signing_key = ?, box_key = ?, key_signature = ?, key_created_at = ? WHERE poc_id = ?",
                arguments: [
                    attacker.publicKey.rawRepresentation, box.publicKey.rawRepresentation, certificate.signature.data,
                    certificate.createdAt.description, pocID,
                ])
            try db.execute(sql: "UPDATE meta SET value = value + 1 WHERE key = 'directory_version'")
        }
        try queue.close()
        return Fingerprint(of: attacker.publicKey)
    }

    @Test("a key changed by the relay is refused loudly until the user trusts it after checking")
    func changedKey() async throws {
        try await withPoc { poc in
            _ = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            await poc.ok("fra", ["send", "--to", deu, "--subject", "first", "--body", "pins DEU on first use"])
            let shown = try substituteKeys(of: deu, in: poc.relay)
            let refused = await poc.run("fra", ["send", "--to", deu, "--subject", "second", "--body", "must not go"])
            #expect(refused.status == 65)
            #expect(refused.err.contains("WARNING") && refused.err.contains("DIFFERENT identity key"))
            #expect(refused.err.contains("poc trust"))
            let listing = await poc.ok("fra", ["directory"])
            #expect(listing.out.contains("CHANGED"))
            let wrongCheck = await poc.run("fra", ["trust", deu, "--fingerprint", String(repeating: "A", count: 32)])
            #expect(wrongCheck.status == 65)
            // A POC that is not in the directory is a usage mistake (64), not a failure.
            let unknown = await poc.run("fra", ["trust", "ZZZ-TEC-9", "--fingerprint", String(repeating: "A", count: 32)])
            #expect(unknown.status == 64 && unknown.err.contains("not an active POC"), "\(unknown.err)")
            await poc.ok("fra", ["trust", deu, "--fingerprint", shown.grouped])
            await poc.ok("fra", ["send", "--to", deu, "--subject", "third", "--body", "after an explicit trust"])
        }
    }

    @Test("a ping not signed by the pinned relay key is shown as forged and never answered")
    func forgedPing() async throws {
        try await withPoc { poc in
            _ = try await poc.enrol("fra", state: "FRA", role: .technical)
            _ = try await poc.relay.service.startCampaign(deadline: 3600)
            // A genuine ping is listed as verified.
            let genuine = await poc.ok("fra", ["pings"])
            #expect(genuine.out.contains("relay (verified)"))
            // Pin another relay key: the relay's pings now fail the check, as a phisher's would.
            let profilePath = (poc.home("fra") as NSString).appendingPathComponent("profile.json")
            let original = try Data(contentsOf: URL(fileURLWithPath: profilePath))
            var profile = try WireJSON.decode(Profile.self, from: original)
            profile.relaySigningKey = Base64Bytes(SigningKeyPair().publicKey.rawRepresentation)
            try WireJSON.encode(profile).write(to: URL(fileURLWithPath: profilePath))
            let listed = await poc.ok("fra", ["pings"])
            #expect(listed.out.contains("FORGED"))
            let pingID = try #require(listed.out.split(separator: "\n").dropFirst().first?.split(separator: " ").first.map(String.init))
            let refused = await poc.run("fra", ["ping", "answer", pingID])
            #expect(refused.status == 65)
            #expect(refused.err.contains("FORGED"))
            // Restore the true pin: now it is answered, on time.
            try original.write(to: URL(fileURLWithPath: profilePath))
            let answered = await poc.ok("fra", ["ping", "answer", pingID])
            #expect(answered.out.contains("on time"))
            #expect(await poc.ok("fra", ["pings"]).out.contains("no pending pings"))
        }
    }

    @Test("forwarding without consent is refused naming the missing parties, then allowed after every consent")
    func consentGatedForward() async throws {
        try await withPoc { poc in
            let fra = try await poc.enrol("fra", state: "FRA", role: .technical)
            let deu = try await poc.enrol("deu", state: "DEU", role: .technical)
            let kor = try await poc.enrol("kor", state: "KOR", role: .technical)
            let usa = try await poc.enrol("usa", state: "USA", role: .technical)
            await poc.ok("fra", ["send", "--to", "\(deu),\(kor)", "--subject", "Indicators", "--body", "IOC list", "--yes"])
            let original = try await poc.firstInboxID("deu")
            await poc.ok("deu", ["read", original])
            let refused = await poc.run("deu", ["forward", original, "--to", usa])
            #expect(refused.status == 64)
            #expect(refused.err.contains(fra) && refused.err.contains(kor))
            await poc.ok("deu", ["consent", "request", original, "--third-party", usa, "--reason", "USA sees the same campaign"])
            for party in ["fra", "kor"] {
                let request = try await poc.firstInboxID(party)
                let read = await poc.ok(party, ["read", request])
                #expect(read.out.contains("USA sees the same campaign"))
                await poc.ok(party, ["consent", "grant", request])
            }
            // DEU reads both replies into its record; one is not enough.
            let first = try await poc.firstInboxID("deu")
            await poc.ok("deu", ["read", first])
            let stillRefused = await poc.run("deu", ["forward", original, "--to", usa])
            #expect(stillRefused.status == 64)
            let second = try await poc.firstInboxID("deu")
            await poc.ok("deu", ["read", second])
            await poc.ok("deu", ["forward", original, "--to", usa, "--note", "Shared with consent"])
            let forwarded = try await poc.firstInboxID("usa")
            let read = await poc.ok("usa", ["read", forwarded])
            #expect(read.out.contains("Forwarded original \(original) from \(fra)"))
            #expect(read.out.contains("consent verified from \(fra), \(kor)"))
            #expect(read.out.contains("> IOC list"))
        }
    }

    @Test("a message sealed while the relay is down waits in the outbox and goes once after a restart")
    func outboxAcrossRestart() async throws {
        let homes = try TemporaryDirectory(prefix: "poc-outbox")
        let data = try TemporaryDirectory(prefix: "poc-outbox-relay")
        defer {
            homes.remove()
            data.remove()
        }
        let dataDirectory = data.path
        var deu = ""
        // First life of the relay: enrol two POCs.
        let offline = try await LiveRelay.with(dataDirectory: dataDirectory) { relay in
            let runner = PocRunner(relay: relay, root: homes)
            _ = try await runner.enrol("fra", state: "FRA", role: .technical)
            deu = try await runner.enrol("deu", state: "DEU", role: .technical)
            await runner.ok("fra", ["directory"])
            return runner
        }
        // Relay down (stopped above): the message is sealed, kept, and reported with status 69.
        let queued = await offline.run("fra", ["send", "--to", deu, "--subject", "while down", "--body", "queued"])
        #expect(queued.status == 69)
        #expect(queued.out.contains("queued"))
        // Back up (on a fresh port: the old one may be taken by a parallel test; the homes
        // are pointed at it, as after a DNS change): sync sends it, with the same id, once.
        try await LiveRelay.with(dataDirectory: dataDirectory) { relay in
            let runner = PocRunner(relay: relay, root: homes)
            for home in ["fra", "deu"] {
                let path = (runner.home(home) as NSString).appendingPathComponent("profile.json")
                var profile = try WireJSON.decode(Profile.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
                profile.server = relay.baseURL.absoluteString
                try WireJSON.encode(profile).write(to: URL(fileURLWithPath: path))
            }
            let sync = await runner.ok("fra", ["sync"])
            #expect(sync.out.hasPrefix("sent "))
            #expect(await runner.ok("fra", ["sync"]).out.contains("the outbox is empty"))
            let inbox = await runner.ok("deu", ["inbox", "--format", "json"])
            let lines = try JSONSerialization.jsonObject(with: Data(inbox.out.utf8)) as? [[String: Any]]
            #expect(lines?.count == 1)
            #expect(lines?.first?["subject"] as? String == "while down")
        }
    }
}

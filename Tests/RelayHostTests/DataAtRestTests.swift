import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

/// What the relay keeps on disk: ciphertext, public keys and hashes only.
@Suite("Data at rest", .timeLimit(.minutes(1)))
struct DataAtRestTests {
    /// Every regular file under `directory`, by relative path, as bytes.
    static func files(in directory: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        let manager = FileManager.default
        for name in manager.subpaths(atPath: directory) ?? [] {
            let path = (directory as NSString).appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            result[name] = try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return result
    }

    /// The files that hold `needle`.
    static func holders(of needle: Data, in files: [String: Data]) -> [String] {
        files.filter { $0.value.range(of: needle) != nil }.map(\.key).sorted()
    }

    /// What one scenario leaves behind.
    struct Scenario: Sendable {
        var secrets: [String: Data] = [:]
        var tokenHashes: [String: Data] = [:]
        var publicKey = Data()
        var receiptedBody = Data()
        var receiptedWrappedKeys: [Data] = []
        var waitingBody = Data()
        var filesWhileRunning: [String: Data] = [:]
    }

    /// Runs the scenario on a relay over `directory`, and checks the store while it runs.
    static func runScenario(in directory: TemporaryDirectory) async throws -> Scenario {
        let subject = uniqueMarker("SUBJECT-AT-REST")
        let body = uniqueMarker("BODY-AT-REST")
        return try await withRelay(dataDirectory: directory.path) { relay, api in
            var scenario = Scenario()
            let invite = try await relay.service.invite(state: try StateCode("FRA"), role: .technical)
            let enrolled = try await enrol(token: invite.token, state: "FRA", role: .technical, api: api)
            let sender = RelaySession(api: api, identity: enrolled.identity, pocID: enrolled.id, relayID: relay.service.relayID)
            let first = try await relay.enrol("DEU", .technical, api: api)
            let second = try await relay.enrol("BRA", .technical, api: api)

            let inner = InnerMessage(from: enrolled.id, to: [first.id, second.id], urgency: .flash, subject: subject, body: body)
            let envelope = try Envelope.seal(
                inner, signer: enrolled.identity,
                recipientKeys: [first.id: first.boxKeys.publicKey, second.id: second.boxKeys.publicKey])
            #expect(try await sender.submit(envelope).created)
            let waiting = try Envelope.seal(
                InnerMessage(from: enrolled.id, to: [first.id], urgency: .routine, subject: subject, body: body), signer: enrolled.identity,
                recipientKeys: [first.id: first.boxKeys.publicKey])
            #expect(try await sender.submit(waiting).created)

            for poc in [first, second] {
                let message = try #require(try await poc.session.inbox(wait: 0, limit: 10).messages.first { $0.id == envelope.id })
                #expect(try poc.open(message, senderKey: enrolled.identity.publicKey).inner.body == body)
                let before = try #require(try await relay.service.store.messageStatus(id: envelope.id.rawValue))
                #expect(before.bodyDeletedAt == nil, "the body went before every recipient signed")
                try await poc.session.sendReceipt(for: message)
            }
            let after = try #require(try await relay.service.store.messageStatus(id: envelope.id.rawValue))
            #expect(after.bodyDeletedAt != nil, "the ciphertext stays after every recipient signed for it")
            #expect(after.recipients.allSatisfy { $0.receiptAt != nil })
            let stillWaiting = try #require(try await relay.service.store.messageStatus(id: waiting.id.rawValue))
            #expect(stillWaiting.bodyDeletedAt == nil)
            #expect(try await first.session.inbox(wait: 0, limit: 10).messages.map(\.id) == [waiting.id])
            #expect(try await second.session.inbox(wait: 0, limit: 10).messages.isEmpty)
            // A second receipt for a deleted body is still accepted (same signature), not a 500.
            let repeatSignature = Receipt.sign(messageID: envelope.id, recipient: first.id, body: envelope.body, identity: first.identity)
            try await first.session.receipt(messageID: envelope.id, signature: repeatSignature)

            for form in leakForms(ofText: subject) { scenario.secrets["subject \(form.name)"] = form.bytes }
            for form in leakForms(ofText: body) { scenario.secrets["body \(form.name)"] = form.bytes }
            let tokens: [(String, String)] = [
                ("invite", invite.token), ("sender session", try await sender.token()),
                ("first session", try await first.session.token()), ("second session", try await second.session.token()),
            ]
            for (name, token) in tokens {
                scenario.secrets["\(name) token"] = Data(token.utf8)
                scenario.tokenHashes[name] = SHA256.hash(Data(token.utf8))
            }
            scenario.secrets["invite token hex"] = Data(invite.token.replacingOccurrences(of: "poc-invite-", with: "").utf8)
            let keys: [(String, SecretBytes)] = [
                ("sender seed", enrolled.identity.seed), ("sender box secret", enrolled.boxKeys.secretKey),
                ("first seed", first.identity.seed), ("first box secret", first.boxKeys.secretKey),
                ("second seed", second.identity.seed), ("second box secret", second.boxKeys.secretKey),
            ]
            for (name, key) in keys {
                for form in leakForms(of: key.testCopy) { scenario.secrets["\(name) \(form.name)"] = form.bytes }
            }
            scenario.publicKey = enrolled.identity.publicKey.rawRepresentation
            scenario.receiptedBody = envelope.body
            scenario.receiptedWrappedKeys = Array(envelope.keys.values)
            scenario.waitingBody = waiting.body
            scenario.filesWhileRunning = try Self.files(in: directory.path)
            return scenario
        }
    }

    @Test("no content, private key or token in any file of the data directory, while running and after stopping")
    func noSecretsOnDisk() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await Self.runScenario(in: directory)
            let filesAfterStop = try Self.files(in: directory.path)
            for (moment, files) in [("while running", scenario.filesWhileRunning), ("after stopping", filesAfterStop)] {
                #expect(files.keys.contains("relay.sqlite") && files.keys.contains("relay.key"), "\(moment): \(files.keys.sorted())")
                // The scan sees what is there: public keys, token hashes, the waiting ciphertext.
                #expect(!Self.holders(of: scenario.publicKey, in: files).isEmpty, "\(moment): the sender's public key is not found")
                #expect(!Self.holders(of: scenario.waitingBody, in: files).isEmpty, "\(moment): a waiting body is not found")
                for (name, hash) in scenario.tokenHashes {
                    #expect(!Self.holders(of: hash, in: files).isEmpty, "\(moment): the \(name) token's hash is not stored")
                }
                for (name, secret) in scenario.secrets.sorted(by: { $0.key < $1.key }) {
                    let found = Self.holders(of: secret, in: files)
                    #expect(found.isEmpty, "\(moment): \(name) found in \(found)")
                }
            }
            #expect(filesAfterStop.keys.sorted().allSatisfy { $0.hasPrefix("relay.") }, "\(filesAfterStop.keys.sorted())")
        }
    }

    @Test("after every recipient's receipt, the ciphertext and wrapped keys are gone from the files, not just from the rows")
    func receiptedCiphertextLeavesTheFiles() async throws {
        try await withTemporaryDirectory { directory in
            let scenario = try await Self.runScenario(in: directory)
            let filesAfterStop = try Self.files(in: directory.path)
            // The stored body starts with its 24-byte nonce; look for the nonce and a slice of ciphertext.
            let needles =
                [
                    ("nonce", scenario.receiptedBody.prefix(24)),
                    ("ciphertext", scenario.receiptedBody.dropFirst(24).prefix(32)),
                ] + scenario.receiptedWrappedKeys.enumerated().map { ("wrapped key \($0.offset)", $0.element) }
            do {
                // While the relay runs the WAL holds old page images; after a clean stop nothing should.
                for (name, needle) in needles {
                    let found = Self.holders(of: Data(needle), in: filesAfterStop)
                    #expect(found.isEmpty, "after stopping: the receipted message's \(name) is still in \(found)")
                }
            }
        }
    }
}

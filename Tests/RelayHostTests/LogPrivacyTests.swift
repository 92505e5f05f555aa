import Foundation
import InMemoryLogging
import Logging
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

/// The relay's logs carry routing metadata only: never content, tokens or keys.
@Suite("Log privacy", .timeLimit(.minutes(1)))
struct LogPrivacyTests {
    /// Every string a log entry exposes: message, metadata (nested), error.
    static func text(of entry: InMemoryLogHandler.Entry) -> String {
        var parts = [entry.message.description]
        func flatten(_ value: Logger.Metadata.Value) -> String {
            switch value {
            case .string(let s): return s
            case .stringConvertible(let c): return c.description
            case .array(let a): return a.map(flatten).joined(separator: " ")
            case .dictionary(let d): return d.map { "\($0.key)=\(flatten($0.value))" }.joined(separator: " ")
            }
        }
        for (key, value) in entry.metadata { parts.append("\(key)=\(flatten(value))") }
        parts.append("\(entry.metadata)")
        if let error = entry.error { parts.append("\(error)") }
        return parts.joined(separator: "\n")
    }

    @Test("a full scenario logs routing events but no subject, body, token or private key")
    func noSecretsInLogs() async throws {
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "host-test-privacy", factory: { _ in handler })
        logger.logLevel = .trace
        let subject = uniqueMarker("SUBJECT")
        let body = uniqueMarker("BODY")

        var secrets: [(name: String, bytes: Data)] = []
        try await withTemporaryDirectory { directory in
            try await withRelay(dataDirectory: directory.path, logger: logger) { relay, api in
                // One POC enrolled with an invitation whose token we hold.
                let invite = try await relay.service.invite(state: try StateCode("FRA"), role: .technical)
                let enrolled = try await enrol(token: invite.token, state: "FRA", role: .technical, api: api)
                let sender = RelaySession(api: api, identity: enrolled.identity, pocID: enrolled.id, relayID: relay.service.relayID)
                let recipient = try await relay.enrol("DEU", .technical, api: api)
                let custodian = try await relay.enrol("UNO", .custodian, api: api)

                _ = try await sender.directory()
                let inner = InnerMessage(from: enrolled.id, to: [recipient.id], urgency: .immediate, subject: subject, body: body)
                let envelope = try Envelope.seal(
                    inner, signer: enrolled.identity, recipientKeys: [recipient.id: recipient.boxKeys.publicKey])
                #expect(try await sender.submit(envelope).created)
                let message = try #require(try await recipient.session.inbox(wait: 5, limit: 10).messages.first)
                let opened = try recipient.open(message, senderKey: enrolled.identity.publicKey)
                #expect(opened.inner.subject == subject && opened.inner.body == body)
                try await recipient.session.sendReceipt(for: message)
                let status = try await sender.status(messageID: envelope.id)
                #expect(status.recipients.first?.receiptAt != nil)

                let relayKey = try SigningPublicKey(rawRepresentation: try await api.relayInfo().signingKey.data)
                _ = try await relay.service.startCampaign()
                let ping = try #require(try await recipient.session.pings().first)
                #expect(try await recipient.session.answer(ping, relayKey: relayKey).onTime)
                _ = try await custodian.session.auditPings()
                _ = try await custodian.session.auditDelivery()
                // A refused login and a bad request too: error paths log as well.
                await expectStatus(401) {
                    try await api.session(SessionRequest(pocID: recipient.id.rawValue, challenge: Data(count: 32), signature: Data(count: 64)))
                }
                await expectStatus(401) { try await enrol(token: invite.token, state: "FRA", role: .technical, api: api) }

                secrets.append(contentsOf: leakForms(ofText: subject).map { (name: "subject \($0.name)", bytes: $0.bytes) })
                secrets.append(contentsOf: leakForms(ofText: body).map { (name: "body \($0.name)", bytes: $0.bytes) })
                secrets.append((name: "invite token", bytes: Data(invite.token.utf8)))
                secrets.append(
                    (name: "invite token without prefix", bytes: Data(invite.token.replacingOccurrences(of: "poc-invite-", with: "").utf8)))
                let tokens = [
                    ("sender", try await sender.token()), ("recipient", try await recipient.session.token()),
                    ("custodian", try await custodian.session.token()),
                ]
                for (who, token) in tokens { secrets.append((name: "\(who) session token", bytes: Data(token.utf8))) }
                let keys: [(String, Data)] = [
                    ("sender seed", enrolled.identity.seed.testCopy), ("sender box secret", enrolled.boxKeys.secretKey.testCopy),
                    ("recipient seed", recipient.identity.seed.testCopy), ("recipient box secret", recipient.boxKeys.secretKey.testCopy),
                    ("custodian seed", custodian.identity.seed.testCopy), ("custodian box secret", custodian.boxKeys.secretKey.testCopy),
                    ("relay seed", try RelayKeyFile.load(from: directory.file(RelayKeyFile.fileName)).seed.testCopy),
                ]
                for (name, key) in keys {
                    secrets.append(contentsOf: leakForms(of: key).map { (name: "\(name) \($0.name)", bytes: $0.bytes) })
                }
            }
        }

        let entries = handler.entries
        let messages = entries.map(\.message.description)
        #expect(messages.contains("message accepted"), "\(messages)")
        #expect(messages.contains("receipt recorded"), "\(messages)")
        #expect(messages.contains("ping answered"), "\(messages)")
        #expect(messages.contains("poc enrolled"), "\(messages)")
        // The test can see metadata: the accepted message's routing line names its urgency.
        #expect(entries.contains { $0.message.description == "message accepted" && Self.text(of: $0).contains("immediate") })
        #expect(secrets.count > 30)

        // The scan finds a secret hidden in nested metadata (so a clean result means something).
        let planted = InMemoryLogHandler.Entry(
            level: .info, message: "planted",
            metadata: ["outer": .dictionary(["inner": .array([.string(String(decoding: secrets[0].bytes, as: UTF8.self))])])])
        #expect(Self.leaks(in: [planted], secrets: secrets).count >= 1)

        for leak in Self.leaks(in: entries, secrets: secrets) { Issue.record(Comment(rawValue: leak)) }
    }

    /// One line per (entry, secret) where the entry holds the secret.
    static func leaks(in entries: [InMemoryLogHandler.Entry], secrets: [(name: String, bytes: Data)]) -> [String] {
        var found: [String] = []
        for entry in entries {
            let bytes = Data(text(of: entry).utf8)
            for secret in secrets where bytes.range(of: secret.bytes) != nil {
                found.append("log entry \"\(entry.message)\" holds the \(secret.name)")
            }
        }
        return found
    }
}

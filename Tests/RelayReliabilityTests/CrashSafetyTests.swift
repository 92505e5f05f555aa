import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayStore
import RelayTestSupport
import Sodium
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One crash round: when, after load starts, the relay is killed.
struct CrashRound: Sendable, CustomTestStringConvertible {
    let number: Int
    /// Accepted messages to wait for before the kill may come.
    let acceptedBeforeKill: Int
    /// The random extra delay before the kill, in milliseconds.
    let delay: ClosedRange<Int>

    var testDescription: String { "round \(number): kill after \(acceptedBeforeKill) accepted + \(delay) ms" }

    static let all = [
        CrashRound(number: 1, acceptedBeforeKill: 8, delay: 0...150),
        CrashRound(number: 2, acceptedBeforeKill: 40, delay: 100...500),
        CrashRound(number: 3, acceptedBeforeKill: 120, delay: 300...900),
    ]
}

/// What the senders learnt: answered ids (201 or 200) and ids sent without an answer.
actor Ledger {
    struct Sent: Sendable {
        let recipients: [POCID]
        let body: String
    }

    private(set) var acknowledged: [MessageID: Sent] = [:]
    private(set) var inDoubt: [MessageID: Sent] = [:]

    func acknowledge(_ id: MessageID, _ sent: Sent) { acknowledged[id] = sent }
    func doubt(_ id: MessageID, _ sent: Sent) { inDoubt[id] = sent }
    var acknowledgedCount: Int { acknowledged.count }
}

/// A POC enrolled on the child relay, with its keys.
struct ChildPOC: Sendable {
    let id: POCID
    let identity: SigningKeyPair
    let boxKeys: BoxKeyPair
}

@Suite("Crash safety: the real relay killed under load loses nothing it acknowledged", .serialized)
struct CrashSafetyTests {
    static let states = ["FRA", "DEU", "KOR", "BRA", "IND", "JPN", "MEX", "NGA"]

    @Test(arguments: CrashRound.all)
    func killDuringLoad(_ round: CrashRound) async throws {
        let directory = try TemporaryDirectory(prefix: "poc-relay-crash")
        defer { directory.remove() }
        let data = directory.file("data")
        let certificates = try DevCertificates.shared.get()
        let trust = RelayTrust.caFile(certificates.caFile)

        // Prepare the data directory with the host tool, as an operator would.
        let initialised = try await RelayProcess.run(["init", "--data-dir", data])
        try #require(initialised.status == 0, "\(initialised.stderr)")
        var tokens: [String] = []
        for state in Self.states {
            let invite = try await RelayProcess.run(["invite", "--data-dir", data, "--state", state, "--role", "technical"])
            try #require(invite.status == 0, "\(invite.stderr)")
            tokens.append(try #require(invite.stdout.split(separator: "\n").last.map(String.init)))
        }

        // Serve, enrol and log in over HTTPS.
        var (server, port) = try await RelayProcess.serve(
            dataDirectory: data, certificate: certificates.server.certificateChainPath, key: certificates.server.privateKeyPath)
        defer { server.send(SIGKILL) }
        var api = try RelayAPIClient(baseURL: URL(string: "https://127.0.0.1:\(port)")!, trust: trust, requestTimeout: .seconds(20))
        let relayID = try await api.relayInfo().relayID
        var pocs: [ChildPOC] = []
        for (state, token) in zip(Self.states, tokens) {
            let identity = SigningKeyPair(), boxKeys = BoxKeyPair()
            let certificate = KeyCertificate.issue(boxKey: boxKeys.publicKey, createdAt: .now(), identity: identity)
            let details = EntryDetails(
                kind: .institution, entity: "\(state) CERT", email: "cert@\(state.lowercased()).example", languages: ["en"], entryLanguage: .en)
            let enrolled = try await api.enrol(
                EnrolRequest(token: token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details))
            pocs.append(ChildPOC(id: enrolled.pocID, identity: identity, boxKeys: boxKeys))
        }
        var sessionTokens: [POCID: String] = [:]
        for poc in pocs { sessionTokens[poc.id] = try await api.logIn(pocID: poc.id, identity: poc.identity, relayID: relayID).token }

        // Eight senders submit until the relay dies; the relay is killed at a random moment under load.
        let ledger = Ledger()
        let senders = Self.startSenders(pocs: pocs, tokens: sessionTokens, api: api, round: round, ledger: ledger)
        let loaded = await eventually(timeout: .seconds(60)) { await ledger.acknowledgedCount >= round.acceptedBeforeKill }
        try #require(loaded, "the relay accepted too few messages before the kill")
        try await Task.sleep(for: .milliseconds(Int.random(in: round.delay)))
        server.send(SIGKILL)
        try #require(await server.waitForExit(timeout: .seconds(10)) != nil, "the relay did not die")
        await senders.value
        try await api.shutdown()

        // The store as the crash left it: SQLite recovers the WAL and finds nothing wrong.
        let storePath = (data as NSString).appendingPathComponent("relay.sqlite")
        do {
            let store = try RelayStore(path: storePath)
            #expect(try await store.integrityCheck() == "ok")
            try store.close()
        }

        // Restart on the same data directory and drain every inbox with receipts.
        (server, port) = try await RelayProcess.serve(
            dataDirectory: data, certificate: certificates.server.certificateChainPath, key: certificates.server.privateKeyPath)
        api = try RelayAPIClient(baseURL: URL(string: "https://127.0.0.1:\(port)")!, trust: trust, requestTimeout: .seconds(20))
        let acknowledged = await ledger.acknowledged
        let inDoubt = await ledger.inDoubt
        let senderKeys = Dictionary(uniqueKeysWithValues: pocs.map { ($0.id, $0.identity.publicKey) })
        for poc in pocs {
            let token = try await api.logIn(pocID: poc.id, identity: poc.identity, relayID: relayID).token
            var deliveries: [MessageID: Int] = [:]
            while true {
                let page = try await api.inbox(wait: 0, limit: 100, token: token).messages
                if page.isEmpty { break }
                for message in page {
                    deliveries[message.id, default: 0] += 1
                    let opened = try message.envelope(for: poc.id).open(
                        as: poc.id, with: poc.boxKeys, senderKey: try #require(senderKeys[message.from]))
                    let sent = acknowledged[message.id] ?? inDoubt[message.id]
                    #expect(sent != nil, "\(poc.id) got \(message.id), which nobody sent")
                    #expect(opened.inner.body == sent?.body, "\(message.id) opened to other content")
                    #expect(sent?.recipients.contains(poc.id) == true, "\(message.id) reached \(poc.id), not a recipient")
                    let signature = Receipt.sign(messageID: message.id, recipient: poc.id, body: message.body.data, identity: poc.identity)
                    try await api.receipt(messageID: message.id, signature: signature, token: token)
                }
            }
            let expected = acknowledged.filter { $0.value.recipients.contains(poc.id) }.map(\.key)
            let missing = expected.filter { deliveries[$0] == nil }
            #expect(missing.isEmpty, "\(poc.id): \(missing.count) acknowledged messages lost: \(missing.prefix(5))")
            let repeated = deliveries.filter { $0.value > 1 }
            #expect(repeated.isEmpty, "\(poc.id): delivered again after its receipt: \(repeated.keys.prefix(5))")
        }
        try await api.shutdown()

        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: .seconds(20)) == 0, "\(server.stderr.suffix(2000))")
        let store = try RelayStore(path: storePath)
        #expect(try await store.integrityCheck() == "ok")
        try store.close()
    }

    /// One task per POC submitting envelopes to one or two others until a submission fails (the relay died).
    static func startSenders(
        pocs: [ChildPOC], tokens: [POCID: String], api: RelayAPIClient, round: CrashRound, ledger: Ledger
    ) -> Task<Void, Never> {
        let directoryKeys = Dictionary(uniqueKeysWithValues: pocs.map { ($0.id, $0.boxKeys.publicKey) })
        return Task {
            await withTaskGroup(of: Void.self) { group in
                for (index, poc) in pocs.enumerated() {
                    let token = tokens[poc.id] ?? ""
                    group.addTask {
                        for sequence in 0..<400 {
                            var recipients = [pocs[(index + 1) % pocs.count]]
                            if sequence % 3 == 0 { recipients.append(pocs[(index + 3) % pocs.count]) }
                            let body = "round \(round.number) from \(poc.id) #\(sequence)"
                            let inner = InnerMessage(
                                from: poc.id, to: recipients.map(\.id), urgency: sequence % 5 == 0 ? .flash : .routine, subject: "load", body: body)
                            guard
                                let envelope = try? Envelope.seal(
                                    inner, signer: poc.identity,
                                    recipientKeys: directoryKeys.filter { key, _ in recipients.contains { $0.id == key } })
                            else { return }
                            let sent = Ledger.Sent(recipients: recipients.map(\.id), body: body)
                            await ledger.doubt(envelope.id, sent)
                            do {
                                _ = try await api.submit(envelope, token: token)
                                await ledger.acknowledge(envelope.id, sent)
                            } catch {
                                return  // the relay is gone: this one stays in doubt
                            }
                        }
                    }
                }
            }
        }
    }
}

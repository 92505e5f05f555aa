import Foundation
import Logging
import RelayClient
import RelayProtocol
import Sodium
import Synchronization

/// A POC the benchmark enrolled: its keys and id.
struct BenchPOC: Sendable {
    let id: POCID
    let identity: SigningKeyPair
    let boxKeys: BoxKeyPair
}

/// A POC with its own logged-in session over its own HTTPS connection pool.
struct ActivePOC: Sendable {
    let poc: BenchPOC
    let session: RelaySession
    var api: RelayAPIClient { session.api }
}

/// Synthetic ISO-like state codes, `AAA`, `AAB`, ... (17,576 of them).
func stateCode(_ index: Int) -> String {
    let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return String([letters[(index / 676) % 26], letters[(index / 26) % 26], letters[index % 26]])
}

/// An invitation to redeem: the token the relay handed out and what it enrols.
struct Invitation: Sendable {
    let token: String
    let state: String
    let role: Role
}

/// The relay under test as a client sees it.
struct Target: Sendable {
    let baseURL: URL
    let trust: RelayTrust
    let relayID: String
    let relayKey: SigningPublicKey
}

/// Opens API clients (one HTTPS connection pool each) and shuts them all down at the end.
final class Clients: Sendable {
    let target: Target
    private let opened = Mutex<[RelayAPIClient]>([])

    init(target: Target) { self.target = target }

    func make() throws -> RelayAPIClient {
        let client = try RelayAPIClient(baseURL: target.baseURL, trust: target.trust, requestTimeout: .seconds(120))
        opened.withLock { $0.append(client) }
        return client
    }

    /// A session for `poc` over a new connection pool of its own, logged in.
    func activate(_ poc: BenchPOC) async throws -> ActivePOC {
        let session = RelaySession(api: try make(), identity: poc.identity, pocID: poc.id, relayID: target.relayID)
        _ = try await session.token()
        return ActivePOC(poc: poc, session: session)
    }

    func shutdown() async {
        let all = opened.withLock { list in
            defer { list = [] }
            return list
        }
        for client in all { try? await client.shutdown() }
    }
}

/// Redeems `invitations` through `POST /v1/enrol` with `workers` connection pools in parallel.
func enrol(_ invitations: [Invitation], clients: Clients, workers: Int = 8) async throws -> [BenchPOC] {
    let apis = try (0..<max(1, workers)).map { _ in try clients.make() }
    return try await withThrowingTaskGroup(of: [(Int, BenchPOC)].self) { group in
        for (worker, api) in apis.enumerated() {
            group.addTask {
                var done: [(Int, BenchPOC)] = []
                for index in stride(from: worker, to: invitations.count, by: apis.count) {
                    done.append((index, try await enrolOne(invitations[index], api: api)))
                }
                return done
            }
        }
        var all: [(Int, BenchPOC)] = []
        for try await part in group { all += part }
        return all.sorted { $0.0 < $1.0 }.map(\.1)
    }
}

/// One enrolment, as the `poc` client does it: fresh keys, a key certificate, an entry.
func enrolOne(_ invitation: Invitation, api: RelayAPIClient) async throws -> BenchPOC {
    let identity = SigningKeyPair(), boxKeys = BoxKeyPair()
    let certificate = KeyCertificate.issue(boxKey: boxKeys.publicKey, createdAt: .now(), identity: identity)
    let details = EntryDetails(
        kind: .institution, entity: "\(invitation.state) \(invitation.role) team",
        email: "\(invitation.role)@\(invitation.state.lowercased()).example", languages: ["en"], entryLanguage: .en)
    let response = try await api.enrol(
        EnrolRequest(token: invitation.token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details))
    return BenchPOC(id: response.pocID, identity: identity, boxKeys: boxKeys)
}

/// Seals `count` messages of about 2 KiB (inner JSON) from `sender` to `recipients`.
func sealMessages(from sender: BenchPOC, to recipients: [BenchPOC], count: Int, urgency: Urgency = .routine) throws -> [Envelope] {
    let keys = Dictionary(uniqueKeysWithValues: recipients.map { ($0.id, $0.boxKeys.publicKey) })
    var message = InnerMessage(from: sender.id, to: recipients.map(\.id), urgency: urgency, type: .message, subject: "bench", body: "")
    let overhead = try message.serialized().count
    let body = String(repeating: "x", count: max(0, 2048 - overhead))
    return try (0..<count).map { _ in
        message = InnerMessage(from: sender.id, to: recipients.map(\.id), urgency: urgency, type: .message, subject: "bench", body: body)
        return try Envelope.seal(message, signer: sender.identity, recipientKeys: keys)
    }
}

/// A log handler that renders every record as the relay's stream handler
/// does (so the cost of logging stays in the figures) and writes it to /dev/null.
struct DiscardingLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    private let label: String
    nonisolated(unsafe) private static let sink = fopen("/dev/null", "w")

    init(label: String) { self.label = label }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let line = "\(Date()) \(event.level) \(label): [\(event.source)] \(rendered) \(event.message)\n"
        fputs(line, Self.sink)
    }
}

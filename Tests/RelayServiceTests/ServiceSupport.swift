import Foundation
import RelayProtocol
import RelayStore
import RelayTestSupport
import Sodium
import Testing

@testable import RelayService

/// Runs `body` with a service over a real SQLite store in a fresh temporary
/// directory and a clock the test moves; closes the store and removes the
/// directory afterwards.
func withService<T>(
    configure: (inout RelayServiceConfiguration) -> Void = { _ in }, _ body: (RelayService, TestClock) async throws -> T
) async throws -> T {
    let directory = try TemporaryDirectory(prefix: "relay-service-test")
    defer { directory.remove() }
    let store = try RelayStore(path: directory.file("relay.sqlite"))
    let clock = TestClock()
    var configuration = RelayServiceConfiguration()
    configure(&configuration)
    let service = RelayService(store: store, relayKey: SigningKeyPair(), configuration: configuration, clock: { clock.now() })
    let result: Result<T, any Error>
    do { result = .success(try await body(service, clock)) } catch { result = .failure(error) }
    try store.close()
    return try result.get()
}

/// A POC enrolled and logged in through the service: its keys, session token and caller.
struct ServicePOC: Sendable {
    let caller: Caller
    let token: String
    let identity: SigningKeyPair
    let boxKeys: BoxKeyPair

    var id: POCID { caller.pocID }
}

extension RelayService {
    /// Invites, enrols and logs in a POC as its client would, without HTTP.
    func enrolAndLogIn(_ state: String, _ role: Role = .technical) async throws -> ServicePOC {
        let invitation = try await invite(state: try StateCode(state), role: role)
        let identity = SigningKeyPair(), boxKeys = BoxKeyPair()
        let certificate = KeyCertificate.issue(boxKey: boxKeys.publicKey, createdAt: Timestamp(now), identity: identity)
        let details = EntryDetails(
            kind: .institution, entity: "\(state) \(role) team", email: "\(role)@\(state.lowercased()).example", languages: ["en"],
            entryLanguage: .en)
        let enrolled = try await enrol(
            EnrolRequest(token: invitation.token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details))
        let challenge = try await challenge(pocID: enrolled.pocID.rawValue).challenge.data
        let proof = AuthProof.sign(relayID: relayID, pocID: enrolled.pocID, challenge: challenge, identity: identity)
        let token = try await session(SessionRequest(pocID: enrolled.pocID.rawValue, challenge: challenge, signature: proof)).token
        let caller = try await authenticate(token: token)
        return ServicePOC(caller: caller, token: token, identity: identity, boxKeys: boxKeys)
    }

    /// Seals and submits a message from `sender` to `recipients`; returns its id.
    @discardableResult
    func send(from sender: ServicePOC, to recipients: [ServicePOC], urgency: Urgency = .routine) async throws -> MessageID {
        let inner = InnerMessage(from: sender.id, to: recipients.map(\.id), urgency: urgency, subject: "Test", body: "Body")
        let envelope = try Envelope.seal(
            inner, signer: sender.identity, recipientKeys: Dictionary(uniqueKeysWithValues: recipients.map { ($0.id, $0.boxKeys.publicKey) }))
        let (response, created) = try await submit(envelope, from: sender.caller)
        #expect(created)
        return response.id
    }
}

/// Expects `body` to fail with a relay failure of `status`.
func expectFailure<R>(_ status: Int, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> R) async {
    do {
        _ = try await body()
        Issue.record("expected status \(status), got success", sourceLocation: sourceLocation)
    } catch let failure as RelayFailure {
        #expect(failure.problem.status == status, "\(failure)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
    }
}

import Foundation
import Logging
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

// MARK: Clients

/// Runs `body` with an API client for `baseURL`, shut down afterwards.
func withClient<T: Sendable>(baseURL: URL, trust: RelayTrust, _ body: (RelayAPIClient) async throws -> T) async throws -> T {
    try await RelayAPIClient.using(baseURL: baseURL, trust: trust, body)
}

// MARK: Enrolment with a token we hold

/// A POC enrolled with an invitation token the test holds (from the CLI or the service).
struct EnrolledPOC: Sendable {
    let id: POCID
    let identity: SigningKeyPair
    let boxKeys: BoxKeyPair
}

/// Enrols a new key pair with `token`, as a POC client would.
func enrol(token: String, state: String, role: Role, api: RelayAPIClient) async throws -> EnrolledPOC {
    let identity = SigningKeyPair(), boxKeys = BoxKeyPair()
    let certificate = KeyCertificate.issue(boxKey: boxKeys.publicKey, createdAt: .now(), identity: identity)
    let details = EntryDetails(
        kind: .institution, entity: "\(state) \(role) desk", email: "desk@\(state.lowercased()).example", languages: ["en"],
        entryLanguage: .en)
    let response = try await api.enrol(
        EnrolRequest(token: token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details))
    return EnrolledPOC(id: response.pocID, identity: identity, boxKeys: boxKeys)
}

// MARK: Secrets as bytes

extension SecretBytes {
    /// A copy of the bytes, for searching files and logs in tests.
    var testCopy: Data { withUnsafeBytes { Data($0) } }
}

/// The textual and binary forms under which `secret` could leak.
func leakForms(of secret: Data) -> [(name: String, bytes: Data)] {
    [
        ("raw", secret),
        ("base64", Data(secret.base64EncodedString().utf8)),
        ("base64url", Data(secret.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").utf8)),
        ("hex", Data(secret.lowercaseHex.utf8)),
        ("HEX", Data(secret.lowercaseHex.uppercased().utf8)),
    ]
}

/// The forms under which a text marker could leak.
func leakForms(ofText text: String) -> [(name: String, bytes: Data)] {
    let utf8 = Data(text.utf8)
    return [("utf8", utf8), ("base64", Data(utf8.base64EncodedString().utf8)), ("hex", Data(utf8.lowercaseHex.utf8))]
}

/// A unique marker for one test run.
func uniqueMarker(_ prefix: String) -> String { "\(prefix)-\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))" }

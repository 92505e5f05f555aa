import Foundation
import RelayProtocol
import Sodium
import Testing

/// `protocol-v1.json`: vectors made with PyNaCl, an independent libsodium binding.
struct ProtocolVectors: Decodable {
    struct Identity: Decodable {
        let poc_id: String
        let ed25519_seed: String
        let signing_key: String
        let box_secret_key: String
        let box_key: String
        let key_created_at: String
        let key_signature: String
        let fingerprint: String
        let relay_id: String?

        var signingKeyPair: SigningKeyPair {
            get throws { try SigningKeyPair(seed: SecretBytes(copying: StrictBase64.decode(ed25519_seed, field: "seed"))) }
        }
        var boxKeyPair: BoxKeyPair {
            get throws { try BoxKeyPair(secretKey: SecretBytes(copying: StrictBase64.decode(box_secret_key, field: "box"))) }
        }
        var pocID: POCID { get throws { try POCID(poc_id) } }
    }
    struct ValidMessage: Decodable {
        let envelope: JSONValue
        let expected_inner_utf8: String
        let expected_signature: String
        let ad_utf8: String
        let receipt_signature_DEU: String
    }
    struct InvalidMessage: Decodable {
        let description: String
        let open_as: String
        let envelope: JSONValue
    }
    struct Auth: Decodable {
        let challenge: String
        let signed_utf8: String
        let signature: String
    }
    struct PingVector: Decodable {
        let ping_id: String
        let poc_id: String
        let issued_at: String
        let deadline: String
        let challenge: String
        let signature: String
        let answer_signature: String
    }
    struct DirectoryVector: Decodable {
        let version: Int
        let signed_utf8: String
        let signature: String
    }

    let relay: Identity
    let identities: [Identity]
    let valid_message: ValidMessage
    let invalid_messages: [InvalidMessage]
    let auth: Auth
    let ping: PingVector
    let directory: DirectoryVector

    static let shared: ProtocolVectors = {
        guard let url = Bundle.module.url(forResource: "protocol-v1", withExtension: "json"),
            let data = try? Data(contentsOf: url),
            let vectors = try? JSONDecoder().decode(ProtocolVectors.self, from: data)
        else { fatalError("protocol-v1.json is missing from the test bundle or unreadable") }
        return vectors
    }()

    func identity(_ id: String) throws -> Identity {
        guard let found = identities.first(where: { $0.poc_id == id }) else { throw VectorError.missing(id) }
        return found
    }

    static func envelope(_ json: JSONValue) throws -> Envelope {
        try Envelope.parse(WireJSON.encode(json))
    }
}

enum VectorError: Error { case missing(String) }

func b64(_ text: String) throws -> Data { try StrictBase64.decode(text, field: "vector") }

extension ProtocolVectors.Identity: CustomTestStringConvertible {
    var testDescription: String { poc_id }
}

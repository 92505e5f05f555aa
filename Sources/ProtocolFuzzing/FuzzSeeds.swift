public import Foundation
import RelayProtocol
import Sodium

/// The starting inputs and keys, made from the independent vectors of
/// `Tests/RelayProtocolTests/Resources/protocol-v1.json` (PyNaCl).
public struct FuzzSeeds: Sendable {
    /// Valid and invalid inputs for every parser of ``FuzzTarget``.
    public let inputs: [Data]
    /// Keys to open the vector envelope as its recipient DEU-TEC-1.
    public let keys: FuzzKeys?

    /// Why the vectors cannot be used.
    public struct Unreadable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The vector file's path inside the repository.
    public static let defaultVectorsPath = "Tests/RelayProtocolTests/Resources/protocol-v1.json"

    /// Reads the vectors.
    /// - Parameter path: `protocol-v1.json`.
    /// - Throws: ``Unreadable`` when the file is missing or not the vector file.
    public init(vectorsAt path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Unreadable(description: "cannot read the protocol vectors at \(path)")
        }
        try self.init(vectors: data)
    }

    /// Builds the seeds from the vector file's bytes.
    /// - Throws: ``Unreadable`` when they are not the vector file.
    public init(vectors data: Data) throws {
        guard let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let valid = root["valid_message"] as? [String: Any], let envelope = valid["envelope"] as? [String: Any],
            let inner = valid["expected_inner_utf8"] as? String,
            let identities = root["identities"] as? [[String: Any]], let auth = root["auth"] as? [String: Any]
        else { throw Unreadable(description: "the vector file does not have the expected shape") }
        func json(_ object: Any) -> Data {
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        }
        var inputs = [json(envelope), Data(inner.utf8)]
        for case let invalid as [String: Any] in root["invalid_messages"] as? [Any] ?? [] {
            if let envelope = invalid["envelope"] { inputs.append(json(envelope)) }
        }
        let details: [String: Any] = [
            "kind": "institution", "entity": "CERT-FR", "website": "https://www.cert.ssi.gouv.fr", "name": NSNull(),
            "designation": NSNull(), "email": "cert-fr@example.org", "phone": "+33 1 00 00 00 00", "languages": ["fr", "en"],
            "entry_language": "fr", "translation_en": ["entity": "CERT-FR"],
        ]
        inputs.append(json(details))
        for identity in identities {
            guard let pocID = identity["poc_id"] as? String else { continue }
            var entry = details
            for key in ["signing_key", "box_key", "key_created_at", "key_signature"] { entry[key] = identity[key] }
            entry["poc_id"] = pocID
            entry["state"] = String(pocID.prefix(3))
            entry["role"] = "technical"
            entry["status"] = "active"
            entry["updated_at"] = "2026-11-22T10:00:00Z"
            entry["last_ping"] = ["status": "answered", "at": "2026-11-22T11:00:00Z"]
            inputs.append(json(entry))
            var enrol: [String: Any] = ["token": "poc-invite-" + String(repeating: "ab", count: 32), "entry": details]
            for key in ["signing_key", "box_key", "key_created_at", "key_signature"] { enrol[key] = identity[key] }
            inputs.append(json(enrol))
            inputs.append(
                json(["box_key": identity["box_key"], "key_created_at": identity["key_created_at"], "key_signature": identity["key_signature"]]))
            for key in ["signing_key", "key_created_at", "key_signature"] {
                if let text = identity[key] as? String { inputs.append(Data("\"\(text)\"".utf8)) }
            }
            inputs.append(Data("\"\(pocID)\"".utf8))
        }
        if let challenge = auth["challenge"], let signature = auth["signature"] {
            inputs.append(json(["poc_id": "FRA-TEC-1", "challenge": challenge, "signature": signature]))
        }
        inputs.append(Data("\"9f86d081884c7d659a2feaa0c55ad015\"".utf8))
        inputs += Self.repeatedKeys(envelope: json(envelope), details: json(details))
        self.inputs = inputs.filter { !$0.isEmpty }
        self.keys = Self.keys(identities: identities, inner: inner)
    }

    /// The vector envelope and the entry details with a key twice: the
    /// sender (first or last, as written or escaped), a recipient's wrapped
    /// key, the entity and the translation's entity.
    private static func repeatedKeys(envelope: Data, details: Data) -> [Data] {
        func edited(_ data: Data, _ target: String, _ replacement: String) -> Data? {
            let text = String(decoding: data, as: UTF8.self)
            guard let range = text.range(of: target) else { return nil }
            return Data(text.replacingCharacters(in: range, with: replacement).utf8)
        }
        return [
            edited(envelope, #""from":"FRA-TEC-1""#, #""from":"FRA-TEC-1","from":"DEU-TEC-1""#),
            edited(envelope, #""from":"FRA-TEC-1""#, #""from":"DEU-TEC-1","from":"FRA-TEC-1""#),
            edited(envelope, #""from":"FRA-TEC-1""#, #""from":"FRA-TEC-1","\u0066rom":"DEU-TEC-1""#),
            edited(envelope, #"{"DEU-TEC-1":"#, #"{"DEU-TEC-1":"AAAA","DEU-TEC-1":"#),
            edited(details, #""entity":"CERT-FR""#, #""entity":"CERT-FR","entity":"ANSSI""#),
            edited(details, #"{"entity":"CERT-FR"}"#, #"{"entity":"CERT-FR","\u0065ntity":"ANSSI"}"#),
        ].compactMap { $0 }
    }

    private static func keys(identities: [[String: Any]], inner: String) -> FuzzKeys? {
        func identity(_ id: String) -> [String: Any]? { identities.first { $0["poc_id"] as? String == id } }
        guard let sender = identity("FRA-TEC-1"), let recipient = identity("DEU-TEC-1"),
            let senderText = sender["signing_key"] as? String, let secretText = recipient["box_secret_key"] as? String,
            let senderKey = try? SigningPublicKey(rawRepresentation: StrictBase64.decode(senderText, field: "signing_key")),
            let secret = try? StrictBase64.decode(secretText, field: "box_secret_key"),
            let pair = try? BoxKeyPair(secretKey: SecretBytes(copying: secret)),
            let me = try? POCID("DEU-TEC-1")
        else { return nil }
        return FuzzKeys(recipient: me, recipientKeys: pair, senderKey: senderKey, innerBytes: Data(inner.utf8))
    }
}

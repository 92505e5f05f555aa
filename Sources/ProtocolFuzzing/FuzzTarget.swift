public import Foundation
import RelayProtocol
import Sodium

/// Something the parsers did that they must never do: accept an input and
/// then disagree with themselves about it. (A crash is caught by the engine.)
public struct FuzzFinding: Error, CustomStringConvertible, Sendable {
    /// Which parser and which property.
    public let description: String
}

/// The keys the fuzz target opens the vector envelope with: a recipient's
/// X25519 key pair and the sender's identity key, from `protocol-v1.json`.
public struct FuzzKeys: Sendable {
    let recipient: POCID
    let recipientKeys: BoxKeyPair
    let senderKey: SigningPublicKey
    let innerBytes: Data
}

/// The code under test: everything that parses bytes a peer chose, on the
/// relay (envelopes, enrolment and key requests, entry details) and on a
/// client (directory entries, inner messages, opening an envelope).
///
/// Each parser must either throw or accept; what it accepts must survive a
/// round trip unchanged (encode, parse again, compare), and canonical text
/// forms (base64, times, ids) must have exactly one spelling.
public enum FuzzTarget {
    /// Runs every parser on `data`.
    /// - Parameters:
    ///   - data: The input, usually mutated JSON.
    ///   - keys: When given, envelopes are also opened: opening must fail or
    ///     give exactly the inner bytes the vector sender sealed.
    /// - Throws: ``FuzzFinding`` when a property does not hold.
    public static func check(_ data: Data, keys: FuzzKeys?) throws(FuzzFinding) {
        try duplicateKeysFound(data)
        try roundTrip(Envelope.self, data, "envelope") { (envelope: Envelope) throws(FuzzFinding) in
            _ = try? envelope.validateForSubmission(limits: .defaults)
            _ = envelope.associatedData
            if let keys { try open(envelope, keys) }
        }
        try roundTrip(DirectoryEntry.self, data, "directory entry") { (entry: DirectoryEntry) throws(FuzzFinding) in
            _ = entry.hasValidKeyCertificate
            _ = entry.fingerprint.grouped
            _ = try? entry.details.validate()
        }
        try roundTrip(EntryDetails.self, data, "entry details") { (details: EntryDetails) throws(FuzzFinding) in _ = try? details.validate() }
        try roundTrip(InnerMessage.self, data, "inner message") { (inner: InnerMessage) throws(FuzzFinding) in
            if inner.fields != nil { _ = try? inner.templateFields(RFIFields.self) }
        }
        try roundTrip(EnrolRequest.self, data, "enrol request") { (request: EnrolRequest) throws(FuzzFinding) in _ = try? request.entry.validate() }
        try roundTrip(BoxKeyRotation.self, data, "key rotation") { (_: BoxKeyRotation) throws(FuzzFinding) in }
        try roundTrip(SessionRequest.self, data, "session request") { (_: SessionRequest) throws(FuzzFinding) in }
        try canonicalText(data)
    }

    /// The one-pass duplicate-key scan finds exactly the repeated key a plain
    /// reading of the whole JSON finds (wherever the input is JSON).
    private static func duplicateKeysFound(_ data: Data) throws(FuzzFinding) {
        let scanned = DuplicateKeys.scan(data)
        switch (ReferenceJSON.read(data), scanned) {
        case (.notJSON, _), (.distinct, .distinct): return
        case (.repeated(let path), .repeated(let found)) where path == found: return
        case (let reference, _):
            throw FuzzFinding(description: "duplicate keys: the scan found \(scanned), a plain reading \(reference)")
        }
    }

    /// Decodes `T`; if it is accepted, runs `more`, then requires that its
    /// encoding decodes to an equal value.
    private static func roundTrip<T: Codable & Equatable>(
        _ type: T.Type, _ data: Data, _ name: String, _ more: (T) throws(FuzzFinding) -> Void
    ) throws(FuzzFinding) {
        guard let value = try? WireJSON.decode(T.self, from: data) else { return }
        try more(value)
        let encoded: Data
        do { encoded = try WireJSON.encode(value) } catch {
            throw FuzzFinding(description: "\(name): accepted, but its encoding fails: \(error)")
        }
        let again: T
        do { again = try WireJSON.decode(T.self, from: encoded) } catch {
            throw FuzzFinding(description: "\(name): accepted, but its own encoding is refused: \(error)")
        }
        guard again == value else {
            throw FuzzFinding(description: "\(name): accepted, but its encoding decodes to a different value")
        }
    }

    /// Whatever was changed, an envelope opens to exactly the sealed inner bytes or not at all.
    private static func open(_ envelope: Envelope, _ keys: FuzzKeys) throws(FuzzFinding) {
        guard let opened = try? envelope.open(as: keys.recipient, with: keys.recipientKeys, senderKey: keys.senderKey) else { return }
        guard opened.innerBytes == keys.innerBytes else {
            throw FuzzFinding(description: "envelope: a changed envelope opened to other inner bytes than the sender sealed")
        }
    }

    /// Base64, times and ids: accepted text is its own canonical spelling.
    private static func canonicalText(_ data: Data) throws(FuzzFinding) {
        guard data.count <= 4096, let text = String(data: data, encoding: .utf8) else { return }
        var candidates = [text]
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { candidates.append(String(text.dropFirst().dropLast())) }
        for candidate in candidates {
            if let bytes = try? StrictBase64.decode(candidate, field: "fuzz"), StrictBase64.encode(bytes) != candidate {
                throw FuzzFinding(description: "base64: accepted a spelling that is not canonical")
            }
            if let time = try? Timestamp(parsing: candidate) {
                guard time.description == candidate else {
                    throw FuzzFinding(description: "time: accepted a spelling that is not canonical")
                }
                guard (try? Timestamp(parsing: time.description)) == time else {
                    throw FuzzFinding(description: "time: its canonical form does not parse back to the same time")
                }
            }
            if let id = try? POCID(candidate), id.rawValue != candidate {
                throw FuzzFinding(description: "poc id: accepted text changed")
            }
            if let id = try? MessageID(candidate), id.rawValue != candidate {
                throw FuzzFinding(description: "message id: accepted text changed")
            }
        }
    }
}

extension FuzzTarget {
    /// True when some wire type accepts `data` (the random loop keeps such inputs).
    public static func accepts(_ data: Data) -> Bool {
        (try? WireJSON.decode(Envelope.self, from: data)) != nil || (try? WireJSON.decode(DirectoryEntry.self, from: data)) != nil
            || (try? WireJSON.decode(EntryDetails.self, from: data)) != nil || (try? WireJSON.decode(InnerMessage.self, from: data)) != nil
            || (try? WireJSON.decode(EnrolRequest.self, from: data)) != nil
    }
}

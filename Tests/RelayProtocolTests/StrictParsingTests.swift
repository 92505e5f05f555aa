import Foundation
import RelayProtocol
import Sodium
import Testing

@Suite("Strict parsing")
struct StrictParsingTests {
    @Test(
        "non-canonical or invalid base64 is refused", arguments: ["QQ", "QR==", "Q Q==", "QQ==\n", "-_8=", "QQ=", "QUJD\nRA==", "====", "QUJDRA==="])
    func base64(_ text: String) {
        #expect(throws: WireError.self) { try StrictBase64.decode(text, field: "x") }
    }

    @Test("canonical base64 decodes")
    func base64Good() throws {
        #expect(try StrictBase64.decode("QQ==", field: "x") == Data("A".utf8))
        #expect(try StrictBase64.decode("", field: "x") == Data())
        let wrong = #expect(throws: WireError.self) { try StrictBase64.decode("QQ==", field: "x", byteCount: 2) }
        #expect(wrong?.code == .wrongLength)
    }

    @Test(
        "malformed times are refused",
        arguments: [
            "2026-11-22T10:00:00", "2026-11-22T10:00:00.5Z", "2026-11-22 10:00:00Z", "2026-11-22T10:00:00+00:00",
            "2026-02-30T10:00:00Z", "2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-11-22T24:00:00Z",
            "2026-11-22T10:60:00Z", "2026-11-22T10:00:60Z", "0000-01-01T00:00:00Z", "2026-11-22t10:00:00z", "+2026-11-22T10:00:00Z", "",
        ])
    func badTimes(_ text: String) {
        let error = #expect(throws: WireError.self) { try Timestamp(parsing: text) }
        #expect(error?.code == .malformedTime)
    }

    @Test("times round-trip, leap days and far years included")
    func goodTimes() throws {
        for text in [
            "2026-11-22T10:00:00Z", "2024-02-29T23:59:59Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
            "1969-12-31T23:59:59Z",
        ] {
            #expect(try Timestamp(parsing: text).description == text)
        }
        #expect(try Timestamp(parsing: "1970-01-01T00:01:00Z").secondsSince1970 == 60)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<1000 {
            let t = Timestamp(secondsSince1970: Int64.random(in: -62_135_596_800...253_402_300_799, using: &generator))
            #expect(try Timestamp(parsing: t.description) == t)
        }
    }

    @Test("ids are checked", arguments: ["", String(repeating: "A", count: 65), "FRA TEC", "FRA/../x", "x'; DROP TABLE pocs;--", "é"])
    func badPOCIDs(_ text: String) {
        #expect(throws: WireError.self) { try POCID(text) }
    }

    @Test(
        "message ids are 32 lowercase hex digits",
        arguments: [
            "9F86D081884C7D659A2FEAA0C55AD015", "9f86d081884c7d659a2feaa0c55ad01", "9f86d081884c7d659a2feaa0c55ad015a",
            "zf86d081884c7d659a2feaa0c55ad015",
        ])
    func badMessageIDs(_ text: String) {
        #expect(throws: WireError.self) { try MessageID(text) }
    }

    /// The valid vector envelope as a mutable JSON object.
    func vectorEnvelope() throws -> [String: JSONValue] {
        guard case .object(let object) = ProtocolVectors.shared.valid_message.envelope else { throw VectorError.missing("envelope") }
        return object
    }

    func parse(_ object: [String: JSONValue]) throws -> Envelope { try Envelope.parse(WireJSON.encode(JSONValue.object(object))) }

    @Test("envelope: duplicate recipients, unknown urgency, bad lengths, wrong version are refused")
    func envelopeStrict() throws {
        var e = try vectorEnvelope()
        #expect(try parse(e).to.count == 2)
        e["to"] = .array([.string("KOR-TEC-1"), .string("KOR-TEC-1")])
        #expect(#expect(throws: WireError.self) { try parse(e) }?.code == .duplicateRecipient)
        e = try vectorEnvelope()
        e["to"] = .array([])
        #expect(#expect(throws: WireError.self) { try parse(e) }?.code == .invalidField)
        e = try vectorEnvelope()
        e["urgency"] = .string("urgent")
        #expect(throws: (any Error).self) { try parse(e) }
        e = try vectorEnvelope()
        e["commitment"] = .string(StrictBase64.encode(Data(count: 31)))
        #expect(#expect(throws: WireError.self) { try parse(e) }?.code == .wrongLength)
        e = try vectorEnvelope()
        e["keys"] = .object(["DEU-TEC-1": .string(StrictBase64.encode(Data(count: 79))), "KOR-TEC-1": .string(StrictBase64.encode(Data(count: 80)))])
        #expect(#expect(throws: WireError.self) { try parse(e) }?.code == .wrongLength)
        e = try vectorEnvelope()
        e["v"] = .number(2)
        #expect(#expect(throws: WireError.self) { try parse(e) }?.code == .unsupportedVersion)
        e = try vectorEnvelope()
        e["id"] = .string("../../etc/passwd")
        let badID = #expect(throws: WireError.self) { try parse(e) }
        #expect(badID?.code == .invalidField && badID?.isMalformed == false && badID?.field == "id")
        e = try vectorEnvelope()
        e.removeValue(forKey: "body")
        #expect(throws: DecodingError.self) { try parse(e) }
        e = try vectorEnvelope()
        e["exercise"] = .string("false")
        #expect(throws: DecodingError.self) { try parse(e) }
    }

    @Test("envelope: a field the protocol does not define is refused by name; a null one counts as absent")
    func envelopeUnknownFields() throws {
        var e = try vectorEnvelope()
        e["subject"] = .string("in clear, by mistake")
        e["zz_later"] = .number(1)
        #expect(#expect(throws: UnknownField.self) { try parse(e) } == UnknownField(field: "subject"))
        e = try vectorEnvelope()
        e["note"] = .null
        #expect(try parse(e) == parse(try vectorEnvelope()))
    }

    @Test("envelope digest: the same for the same fields however the JSON is laid out, different when any field changes")
    func envelopeDigest() throws {
        let original = try parse(try vectorEnvelope())
        let spaced = try Envelope.parse(
            Data(String(decoding: try WireJSON.encode(original), as: UTF8.self).replacingOccurrences(of: ",", with: " ,\n ").utf8))
        #expect(spaced.digest == original.digest)
        #expect(original.digest.count == 32)
        var changes: [[String: JSONValue]] = []
        for (field, value) in [
            ("id", JSONValue.string(String(repeating: "0", count: 32))), ("urgency", .string("flash")), ("exercise", .bool(true)),
            ("commitment", .string(StrictBase64.encode(Data(count: 32)))),
            ("body", .string(StrictBase64.encode(Data(count: 64)))),
        ] {
            var e = try vectorEnvelope()
            e[field] = value
            changes.append(e)
        }
        var swapped = try vectorEnvelope()
        if case .object(var keys) = swapped["keys"], let first = keys.keys.sorted().first, let last = keys.keys.sorted().last,
            let a = keys[first], let b = keys[last]
        {
            keys[first] = b
            keys[last] = a
            swapped["keys"] = .object(keys)
        }
        changes.append(swapped)
        var digests = Set([original.digest])
        for change in changes { digests.insert(try parse(change).digest) }
        #expect(digests.count == changes.count + 1)
    }

    @Test("envelope: keys must match recipients and limits hold, for the relay")
    func submissionChecks() throws {
        var e = try parse(try vectorEnvelope())
        try e.validateForSubmission(limits: .defaults)
        e.keys.removeValue(forKey: try POCID("KOR-TEC-1"))
        #expect(#expect(throws: WireError.self) { try e.validateForSubmission(limits: .defaults) }?.code == .keysDoNotMatchRecipients)
        let big = try parse(try vectorEnvelope())
        #expect(
            #expect(throws: WireError.self) { try big.validateForSubmission(limits: ProtocolLimits(maxBodyBytes: 100, maxRecipients: 512)) }?.code
                == .tooLarge)
        #expect(
            #expect(throws: WireError.self) { try big.validateForSubmission(limits: ProtocolLimits(maxBodyBytes: 1 << 20, maxRecipients: 1)) }?.code
                == .tooLarge)
    }

    @Test("inner messages: unknown type, TLP or urgency and duplicate recipients are refused")
    func innerStrict() throws {
        let good = ProtocolVectors.shared.valid_message.expected_inner_utf8
        #expect(try InnerMessage.parse(Data(good.utf8)).tlp == .amber)
        for (from, to) in [
            ("\"type\":\"rfi\"", "\"type\":\"gossip\""), ("\"tlp\":\"AMBER\"", "\"tlp\":\"PURPLE\""),
            ("\"urgency\":\"immediate\"", "\"urgency\":\"now\""), ("\"DEU-TEC-1\"]", "\"KOR-TEC-1\"]"),
            ("\"sent_at\":\"2026-11-22T10:00:00Z\"", "\"sent_at\":\"yesterday\""), ("\"v\":1", "\"v\":9"),
        ] {
            let bad = good.replacingOccurrences(of: from, with: to)
            #expect(bad != good)
            #expect(throws: (any Error).self) { try InnerMessage.parse(Data(bad.utf8)) }
        }
        #expect(throws: (any Error).self) { try InnerMessage.parse(Data([0xFF, 0xFE, 0x7B])) }
    }
}

@Suite("Directory entries and routing")
struct DirectoryTests {
    func details() -> EntryDetails {
        EntryDetails(
            kind: .institution, entity: "CERT-FR", website: "https://www.cert.ssi.gouv.fr", email: "cert-fr@example.org",
            phone: "+33 1 00 00 00 00", languages: ["fr", "en"], entryLanguage: .fr, translationEn: EntryTranslation(entity: "CERT-FR"))
    }

    @Test("a complete entry validates; each broken rule names its field")
    func validation() throws {
        try details().validate()
        var d = details()
        d.entity = "  "
        #expect(#expect(throws: WireError.self) { try d.validate() }?.field == "entry.entity")
        d = details()
        d.email = nil
        d.phone = nil
        #expect(#expect(throws: WireError.self) { try d.validate() }?.field == "entry.email")
        d = details()
        d.email = "not-an-address"
        #expect(#expect(throws: WireError.self) { try d.validate() }?.field == "entry.email")
        d = details()
        d.phone = "call me"
        #expect(#expect(throws: WireError.self) { try d.validate() }?.field == "entry.phone")
        d = details()
        d.website = "javascript:alert(1)"
        #expect(#expect(throws: WireError.self) { try d.validate() }?.field == "entry.website")
        d = details()
        d.kind = .person
        #expect(#expect(throws: WireError.self) { try d.validate() }?.field == "entry.name")
        d.name = "Duty officer"
        try d.validate()
        d = details()
        d.languages = []
        #expect(#expect(throws: WireError.self) { try d.validate() }?.field == "entry.languages")
        d = details()
        d.entity = String(repeating: "x", count: 201)
        #expect(throws: WireError.self) { try d.validate() }
        d = details()
        d.designation = "line\nbreak"
        #expect(#expect(throws: WireError.self) { try d.validate() }?.field == "entry.designation")
        d = details()
        d.entity = "Служба — 国家 — مركز"
        try d.validate()
    }

    @Test("an entry round-trips through JSON in the shape of section 3, with explicit nulls")
    func entryJSON() throws {
        let identity = SigningKeyPair(), box = BoxKeyPair()
        let certificate = KeyCertificate.issue(boxKey: box.publicKey, createdAt: try Timestamp(parsing: "2026-11-22T10:00:00Z"), identity: identity)
        let entry = DirectoryEntry(
            pocID: try POCID("FRA-TEC-1"), state: try StateCode("FRA"), role: .technical, details: details(),
            signingKey: identity.publicKey, keyCertificate: certificate, status: .active,
            updatedAt: try Timestamp(parsing: "2026-11-22T10:00:00Z"), lastPing: nil)
        let json = try WireJSON.encode(entry)
        let object = try JSONSerialization.jsonObject(with: json) as? [String: Any]
        #expect(
            Set(object?.keys.map { $0 } ?? []) == [
                "poc_id", "state", "role", "kind", "entity", "website", "name", "designation", "email", "phone", "languages", "entry_language",
                "translation_en", "signing_key", "box_key", "key_created_at", "key_signature", "status", "updated_at", "last_ping",
            ])
        #expect(object?["name"] is NSNull)
        let decoded = try WireJSON.decode(DirectoryEntry.self, from: json)
        #expect(decoded == entry)
        #expect(decoded.hasValidKeyCertificate)
        var forged = decoded
        forged.keyCertificate = KeyCertificate.issue(boxKey: BoxKeyPair().publicKey, createdAt: certificate.createdAt, identity: SigningKeyPair())
        #expect(!forged.hasValidKeyCertificate)
    }

    @Test("routing rule: same role across states, any role within a state, custodians with everyone")
    func routing() throws {
        let fra = try StateCode("FRA"), deu = try StateCode("DEU"), uno = StateCode.custodian
        func party(_ s: StateCode, _ r: Role) -> RoutingRule.Party { .init(state: s, role: r) }
        let cases: [(RoutingRule.Party, RoutingRule.Party, Bool)] = [
            (party(fra, .technical), party(deu, .technical), true),
            (party(fra, .diplomatic), party(deu, .diplomatic), true),
            (party(fra, .technical), party(deu, .diplomatic), false),
            (party(fra, .diplomatic), party(deu, .technical), false),
            (party(fra, .technical), party(fra, .diplomatic), true),
            (party(fra, .diplomatic), party(fra, .technical), true),
            (party(fra, .technical), party(uno, .custodian), true),
            (party(uno, .custodian), party(deu, .diplomatic), true),
            (party(uno, .custodian), party(uno, .custodian), true),
        ]
        for (from, to, allowed) in cases {
            #expect(RoutingRule.permits(from: from, to: to) == allowed, "\(from) -> \(to)")
        }
    }

    @Test("urgency order and the ten prefixes")
    func urgencyAndPrefixes() {
        #expect(Urgency.allCases.sorted(by: { $0.rank < $1.rank }) == [.flash, .immediate, .priority, .routine])
        #expect(Urgency.flash > Urgency.routine)
        #expect(DomainSeparation.all.count == 10)
        #expect(Set(DomainSeparation.all).count == 10)
        #expect(DomainSeparation.all.allSatisfy { $0.last == 0x0A && String(decoding: $0, as: UTF8.self).hasPrefix("POCRELAY-") })
    }
}

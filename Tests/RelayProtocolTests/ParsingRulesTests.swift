import Foundation
import RelayProtocol
import Sodium
import Testing

/// The parsing rules of docs/protocol.md 1.1, section 5: a key twice is malformed,
/// a value outside its enumeration is invalid, directory text has no
/// control or format characters.
@Suite("Parsing rules of protocol 1.1")
struct ParsingRulesTests {
    /// A sealed envelope from FRA-TEC-1 to R-0 and R-1, as `WireJSON` writes it.
    func envelopeJSON() throws -> String {
        let cast = try Cast(recipientCount: 2)
        let envelope = try Envelope.seal(cast.message(body: "payload"), signer: cast.sender, recipientKeys: cast.directory)
        return String(decoding: try WireJSON.encode(envelope), as: UTF8.self)
    }

    /// The error decoding `json` as `T` throws, which must be a `WireError`.
    func wireError<T: Decodable>(_ type: T.Type, _ json: String, sourceLocation: SourceLocation = #_sourceLocation) -> WireError? {
        #expect(throws: WireError.self, sourceLocation: sourceLocation) { try WireJSON.decode(T.self, from: Data(json.utf8)) }
    }

    func replacing(_ json: String, _ target: String, _ replacement: String) -> String {
        let changed = json.replacingOccurrences(of: target, with: replacement)
        #expect(changed != json, "\(target) is not in the JSON")
        return changed
    }

    static let details =
        #"{"kind":"institution","entity":"CERT-FR","website":null,"name":null,"designation":null,"email":"cert@example.org","#
        + #""phone":null,"languages":["fr"],"entry_language":"fr","translation_en":{"entity":"CERT-FR","name":null,"designation":null}}"#

    // MARK: Repeated keys

    @Test(
        "an envelope with a key twice is malformed, whichever comes first",
        arguments: [
            (#""from":"FRA-TEC-1""#, #""from":"FRA-TEC-1","from":"DEU-TEC-1""#, "from"),
            (#""from":"FRA-TEC-1""#, #""from":"DEU-TEC-1","from":"FRA-TEC-1""#, "from"),
            (#""from":"FRA-TEC-1""#, #""from":"FRA-TEC-1","\u0066rom":"DEU-TEC-1""#, "from"),
            (#""from":"FRA-TEC-1""#, #""from":"FRA-TEC-1","fr\u006Fm":"FRA-TEC-1""#, "from"),
            (#""urgency":"flash""#, #""urgency":"flash","urgency":"routine""#, "urgency"),
            (#""v":1"#, #""v":1,"v":1"#, "v"),
            (#"{"R-0":"#, #"{"R-0":"AAAA","R-0":"#, "keys.R-0"),
            (#"{"R-0":"#, #"{"R\u002D0":"AAAA","R-0":"#, "keys.R-0"),
        ])
    func repeatedInEnvelope(_ edit: (String, String, String)) throws {
        let json = replacing(try envelopeJSON(), edit.0, edit.1)
        let error = wireError(Envelope.self, json)
        #expect(error?.code == .duplicateKey)
        #expect(error?.field == edit.2)
        #expect(error?.isMalformed == true)
        #expect(#expect(throws: WireError.self) { try Envelope.parse(Data(json.utf8)) }?.code == .duplicateKey)
    }

    @Test("entry details, a translation, an enrolment's entry and API bodies refuse a key twice, naming its path")
    func repeatedInBodies() throws {
        let details = Self.details
        #expect(try WireJSON.decode(EntryDetails.self, from: Data(details.utf8)).entity == "CERT-FR")
        let twiceEntity = replacing(details, #""entity":"CERT-FR","website""#, #""entity":"CERT-FR","entity":"ANSSI","website""#)
        #expect(wireError(EntryDetails.self, twiceEntity)?.field == "entity")
        let translated = replacing(details, #"{"entity":"CERT-FR","name""#, #"{"entity":"CERT-FR","\u0065ntity":"X","name""#)
        #expect(wireError(EntryDetails.self, translated)?.field == "translation_en.entity")
        let nullTwice = replacing(details, #""website":null"#, #""website":null,"website":null"#)
        #expect(wireError(EntryDetails.self, nullTwice)?.code == .duplicateKey)

        let key = StrictBase64.encode(Data(count: 32))
        let enrol =
            #"{"token":"poc-invite-\#(String(repeating: "ab", count: 32))","signing_key":"\#(key)","box_key":"\#(key)","#
            + #""key_created_at":"2026-11-22T10:00:00Z","key_signature":"\#(StrictBase64.encode(Data(count: 64)))","entry":\#(twiceEntity)}"#
        let error = wireError(EnrolRequest.self, enrol)
        #expect(error?.code == .duplicateKey)
        #expect(error?.field == "entry.entity")

        let session = #"{"poc_id":"FRA-TEC-1","poc_id":"DEU-TEC-1","challenge":"AAAA","signature":"AAAA"}"#
        #expect(wireError(SessionRequest.self, session)?.field == "poc_id")
        #expect(wireError(ChallengeRequest.self, #"{"poc_id":"FRA-TEC-1","poc_id":"DEU-TEC-1"}"#)?.field == "poc_id")
    }

    @Test("inside arrays and the open fields of a message, the path names the element")
    func repeatedInArrays() {
        #expect(DuplicateKeys.scan(Data(#"[{"a":1},{"b":1,"c":{"d":[0,{"e":1,"e":2}]}}]"#.utf8)) == .repeated(path: "[1].c.d[1].e"))
        #expect(DuplicateKeys.scan(Data(#"{"fields":{"😀":1,"\ud83d\ude00":2}}"#.utf8)) == .repeated(path: "fields.😀"))
        // Canonically equivalent keys are one key to Swift's strings, and so to JSONDecoder.
        #expect(DuplicateKeys.scan(Data(#"{"é":1,"e\u0301":2}"#.utf8)) == .repeated(path: "é"))
    }

    @Test("a U+FEFF after an escape stays in the key, as JSONDecoder reads it (the fuzzer's first finding)")
    func byteOrderMarkAfterEscape() throws {
        let json = Data("{\"\\u0065\u{FEFF}mail\":1,\"e\u{FEFF}mail\":2}".utf8)
        #expect(try JSONDecoder().decode([String: Int].self, from: json).count == 1)
        #expect(DuplicateKeys.scan(json) == .repeated(path: "e\u{FEFF}mail"))
    }

    @Test(
        "equal keys in different objects, keys equal to values, and look-alike keys are no repetition",
        arguments: [
            #"{"a":{"a":1},"b":[{"a":1},{"a":1}]}"#, #"{"a":"b","b":"a"}"#, #"{"a":"\"b\":1,\"b\"","b":2}"#, #"{"a":1,"A":2,"a ":3}"#,
            #"{"a\\":1,"a":2}"#, #"{"\u0000":1,"":2}"#, #"{"k":"\\","l":"\\\""}"#, "\u{FEFF}{\"a\":1}", "{}", "[]", "\"text\"", "1",
            #"{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"r":18}"#,
        ])
    func distinct(_ json: String) {
        #expect(DuplicateKeys.scan(Data(json.utf8)) == .distinct)
    }

    @Test("a repetition among many keys is found once they are kept in a set")
    func manyKeys() {
        let keys = (0..<600).map { "\"R-\($0)\":1" }
        #expect(DuplicateKeys.scan(Data(("{" + keys.joined(separator: ",") + "}").utf8)) == .distinct)
        let repeated = "{" + (keys + ["\"R-417\":2"]).joined(separator: ",") + "}"
        #expect(DuplicateKeys.scan(Data(repeated.utf8)) == .repeated(path: "R-417"))
    }

    @Test(
        "text the scan cannot follow is refused as malformed: UTF-16, control bytes, bad escapes in keys, lone surrogates, deep nesting",
        arguments: [
            Data(#"{"a":1,"\u0061":2}"#.data(using: .utf16LittleEndian)!), Data(#"{"a":1,"\u0061":2}"#.data(using: .utf16)!),
            Data("{\"a\":\"x\u{1}\"}".utf8), Data("{\"a\u{0}\":1}".utf8), Data(#"{"\x":1}"#.utf8), Data(#"{"\u00G0":1}"#.utf8),
            Data(#"{"\ud800":1}"#.utf8), Data(#"{"\udc00":1}"#.utf8), Data(#"{"\ud800\u0041":1}"#.utf8), Data(#"{"a"#.utf8),
            Data(#"{"a":"b"#.utf8), Data((String(repeating: "[", count: 1025) + String(repeating: "]", count: 1025)).utf8),
        ])
    func unreadable(_ json: Data) {
        #expect(DuplicateKeys.scan(json) == .unreadable)
        let error = #expect(throws: WireError.self) { try WireJSON.decode(JSONValue.self, from: json) }
        #expect(error?.code == .malformedJSON)
        #expect(error?.isMalformed == true)
    }

    @Test("a 2 MiB envelope is scanned whole, and a repetition at its end is found")
    func largeBody() throws {
        let body = StrictBase64.encode(Data(repeating: 0xA5, count: 1_500_000))
        let json = replacing(try envelopeJSON(), #""body":""#, #""body":"\#(body)"#)
        #expect(json.utf8.count > 2_000_000)
        #expect(DuplicateKeys.scan(Data(json.utf8)) == .distinct)
        let repeated = String(json.dropLast()) + #","urgency":"routine"}"#
        #expect(DuplicateKeys.scan(Data(repeated.utf8)) == .repeated(path: "urgency"))
    }

    // MARK: Enumerations

    @Test(
        "a value outside its enumeration is invalid (422 class), naming the allowed values and never echoing the value",
        arguments: [
            ("urgency", #""urgency":"flash""#, #""urgency":"urgent""#, "flash, immediate, priority, routine"),
            ("urgency", #""urgency":"flash""#, #""urgency":"\#(String(repeating: "x", count: 300))""#, "flash, immediate, priority, routine"),
        ])
    func enumerationInEnvelope(_ edit: (String, String, String, String)) throws {
        let json = replacing(try envelopeJSON(), edit.1, edit.2)
        let error = wireError(Envelope.self, json)
        #expect(error?.code == .unknownValue)
        #expect(error?.isMalformed == false)
        #expect(error?.field == edit.0)
        #expect(error?.reason == "must be one of \(edit.3)")
    }

    @Test("every enumeration of the wire refuses an unknown value by field, with its allowed values")
    func enumerations() throws {
        func expectUnknown<T: Decodable>(_ type: T.Type, _ json: String, _ field: String, _ allowed: String) {
            let error = wireError(T.self, json)
            #expect(error?.code == .unknownValue, "\(field)")
            #expect(error?.field == field)
            #expect(error?.reason == "must be one of \(allowed)")
        }
        let details = Self.details
        expectUnknown(EntryDetails.self, replacing(details, #""kind":"institution""#, #""kind":"robot""#), "kind", "institution, person")
        expectUnknown(
            EntryDetails.self, replacing(details, #""entry_language":"fr""#, #""entry_language":"nl""#), "entry_language", "ar, en, es, fr, ru, zh")
        let inner = ProtocolVectors.shared.valid_message.expected_inner_utf8
        expectUnknown(InnerMessage.self, replacing(inner, #""type":"rfi""#, #""type":"gossip""#), "type", MessageType.allowedValues)
        expectUnknown(InnerMessage.self, replacing(inner, #""tlp":"AMBER""#, #""tlp":"amber""#), "tlp", "AMBER, AMBER+STRICT, CLEAR, GREEN, RED")
        expectUnknown(InnerMessage.self, replacing(inner, #""urgency":"immediate""#, #""urgency":"now""#), "urgency", Urgency.allowedValues)
        expectUnknown(Role.self, #""observer""#, "", "custodian, diplomatic, technical")
        expectUnknown(RFIResponseFields.self, #"{"mode":"maybe","eta":null,"preferred_channel":"","lead_agency":""}"#, "mode", "acknowledge, answer")
        #expect(MessageType.allowedValues == "consent-reply, consent-request, forward, message, notice, rfi, rfi-response")
        // Known values still decode, and a wrong JSON type is still malformed.
        #expect(try WireJSON.decode(Urgency.self, from: Data(#""flash""#.utf8)) == .flash)
        #expect(throws: DecodingError.self) { try WireJSON.decode(Urgency.self, from: Data("1".utf8)) }
    }

    // MARK: Directory text

    /// Each text field of an entry with `scalar` in it, as the field's name.
    static func withCharacter(_ scalar: Unicode.Scalar) -> [(String, EntryDetails)] {
        let c = String(Character(scalar))
        let base = EntryDetails(
            kind: .institution, entity: "CERT-FR", website: "https://www.cert.fr", email: "cert@example.org", phone: "+33 1 00",
            languages: ["fr"], entryLanguage: .fr, translationEn: EntryTranslation(entity: "CERT-FR"))
        var cases: [(String, EntryDetails)] = []
        func add(_ field: String, _ edit: (inout EntryDetails) -> Void) {
            var copy = base
            edit(&copy)
            cases.append((field, copy))
        }
        add("entry.entity") { $0.entity = "CERT\(c)RF" }
        add("entry.name") { $0.name = "Duty\(c) officer" }
        add("entry.designation") { $0.designation = "\(c)Head" }
        add("entry.website") { $0.website = "https://www.cert\(c).fr" }
        add("entry.email") { $0.email = "cert\(c)@example.org" }
        add("entry.phone") { $0.phone = "+33\(c)1 00" }
        add("entry.translation_en.entity") { $0.translationEn = EntryTranslation(entity: "CERT\(c)") }
        add("entry.translation_en.name") { $0.translationEn = EntryTranslation(entity: "CERT-FR", name: "\(c)") }
        add("entry.translation_en.designation") { $0.translationEn = EntryTranslation(designation: "Head\(c)") }
        return cases
    }

    @Test(
        "every text field of an entry refuses format and control characters, naming the field and the code point",
        arguments: [
            ("U+202E", "format"), ("U+202A", "format"), ("U+2066", "format"), ("U+2069", "format"), ("U+200B", "format"),
            ("U+200F", "format"), ("U+2060", "format"), ("U+FEFF", "format"), ("U+00AD", "format"), ("U+E0001", "format"),
            ("U+0007", "control"), ("U+001B", "control"), ("U+000A", "control"), ("U+007F", "control"), ("U+0085", "control"),
            ("U+2028", "separator"), ("U+2029", "separator"),
        ])
    func refusedCharacters(_ refused: (String, String)) throws {
        let scalar = try #require(UInt32(refused.0.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init))
        for (field, details) in Self.withCharacter(scalar) {
            let error = #expect(throws: WireError.self, "\(field)") { try details.validate() }
            #expect(error?.code == .invalidField)
            #expect(error?.isMalformed == false)
            #expect(error?.field == field)
            #expect(error?.reason.hasPrefix("contains \(refused.0) (") == true, "\(error?.reason ?? "")")
            #expect(error?.reason.contains(refused.1) == true)
        }
    }

    @Test("the detail of a bidi override reads as the issue asks")
    func overrideDetail() {
        var details = Self.withCharacter("\u{202E}")[0].1
        let error = #expect(throws: WireError.self) { try details.validate() }
        #expect(error?.description == "entry.entity: contains U+202E (a format character that can make one text display as another)")
        details.entity = "CERT-FR"
        #expect(throws: Never.self) { try details.validate() }
    }

    @Test("letters, marks and spaces of the six UN scripts are still accepted", arguments: unScripts + ["CERT\u{A0}FR", "e\u{301}"])
    func acceptedText(_ text: String) throws {
        var details = Self.withCharacter("\u{202E}")[0].1
        details.entity = text
        details.designation = text
        details.translationEn = EntryTranslation(entity: text, name: text, designation: text)
        try details.validate()
    }
}

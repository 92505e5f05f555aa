import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

/// The parsing rules of docs/protocol.md 1.1 (section 5) on the wire, against a
/// real relay over HTTPS: a key twice is 400, a value outside its
/// enumeration and a format character in directory text are 422, each with
/// a detail that says what to fix and echoes at most 64 characters.
@Suite("Parsing rules of protocol 1.1, on the wire")
struct ParsingRulesTests {
    @Test(arguments: ParsingRulesTests.cases)
    func refused(_ hostile: HostileCase) async throws {
        try await withScene { scene in
            let request = try await hostile.request(scene)
            let before = try StoreSnapshot.take(scene.storePath)
            let response = try await scene.api.send(request)
            #expect(response.status == hostile.status, "\(response.text)")
            _ = try response.problem()
            try await hostile.check(scene, response)
            let after = try StoreSnapshot.take(scene.storePath)
            let changed = before.changedTables(after).subtracting(hostile.mayChange)
            #expect(changed.isEmpty, "changed: \(changed.sorted())")
        }
    }

    @Test("an envelope with from twice stores nothing, whichever value comes first: DEU's inbox holds only the scene's message")
    func repeatedSenderStoresNothing() async throws {
        try await withScene { scene in
            for order in [true, false] {
                let response = try await scene.api.send(try Self.repeatedSender(scene, fraFirst: order))
                #expect(response.status == 400, "\(response.text)")
            }
            let inbox = try await scene.deu.session.inbox(wait: 0, limit: 100)
            #expect(inbox.messages.map(\.id) == [scene.message.id])
        }
    }

    // MARK: The cases

    /// FRA's envelope to DEU, sent by FRA, with a second `from` naming DEU
    /// after FRA's (a reader keeping the first value sees FRA, one keeping
    /// the last sees DEU) or before it.
    static func repeatedSender(_ scene: Scene, fraFirst: Bool, escaped: Bool = false) throws -> RawRequest {
        let json = String(decoding: try WireJSON.encode(try scene.fra.seal(to: [scene.deu])), as: UTF8.self)
        let fra = #""from":"\#(scene.fra.id.rawValue)""#
        let deu = #""\#(escaped ? "\\u0066rom" : "from")":"\#(scene.deu.id.rawValue)""#
        let edited = json.replacingOccurrences(of: fra, with: fraFirst ? "\(fra),\(deu)" : "\(deu),\(fra)")
        #expect(edited != json)
        return RawRequest("POST", "/v1/messages", body: Data(edited.utf8), token: scene.token(scene.fra))
    }

    /// A `PUT /v1/directory/me` body written by hand from JSON text.
    static func entryText(_ scene: Scene, _ text: String) -> RawRequest {
        RawRequest("PUT", "/v1/directory/me", body: Data(text.utf8), token: scene.token(scene.fra))
    }

    static func entryJSON(entity: String = #""CERT-FR""#, extra: String = "", language: String = "fr", translation: String = "null") -> String {
        #"{"kind":"institution","entity":\#(entity),\#(extra)"email":"cert@example.org","languages":["fr"],"#
            + #""entry_language":"\#(language)","translation_en":\#(translation)}"#
    }

    /// Checks the problem's detail: it contains each of `parts` and is short.
    static func detail(_ parts: String..., without: String? = nil) -> @Sendable (Scene, RawResponse) async throws -> Void {
        { _, response in
            let detail = try response.problem().detail
            for part in parts { #expect(detail.contains(part), "\(detail)") }
            #expect(detail.count < 200, "\(detail)")
            if let without { #expect(!detail.contains(without), "\(detail)") }
        }
    }

    static let longName = String(repeating: "k", count: 5000)

    static let cases: [HostileCase] = [
        HostileCase("POST /v1/messages", "from twice, FRA's first", 400, check: detail("from", "twice")) { scene in
            try repeatedSender(scene, fraFirst: true)
        },
        HostileCase("POST /v1/messages", "from twice, DEU's first", 400, check: detail("from", "twice")) { scene in
            try repeatedSender(scene, fraFirst: false)
        },
        HostileCase("POST /v1/messages", "from twice, the second escaped as \\u0066rom", 400, check: detail("from", "twice")) { scene in
            try repeatedSender(scene, fraFirst: true, escaped: true)
        },
        HostileCase("POST /v1/messages", "a recipient twice in keys", 400, check: detail("keys.", "twice")) { scene in
            let json = String(decoding: try WireJSON.encode(try scene.fra.seal(to: [scene.deu])), as: UTF8.self)
            let key = #"{"\#(scene.deu.id.rawValue)":"#
            let edited = json.replacingOccurrences(of: key, with: key + #""AAAA","\#(scene.deu.id.rawValue)":"#)
            return RawRequest("POST", "/v1/messages", body: Data(edited.utf8), token: scene.token(scene.fra))
        },
        HostileCase(
            "POST /v1/messages", "a 5,000-character key twice: the detail echoes at most 64 of it", 400, check: detail("twice", without: longName)
        ) { scene in
            let json = String(decoding: try WireJSON.encode(try scene.fra.seal(to: [scene.deu])), as: UTF8.self)
            let edited = json.replacingOccurrences(of: #"{"body""#, with: #"{"\#(longName)":1,"\#(longName)":2,"body""#)
            return RawRequest("POST", "/v1/messages", body: Data(edited.utf8), token: scene.token(scene.fra))
        },
        HostileCase("POST /v1/messages", "urgency urgent", 422, check: detail("urgency", "flash, immediate, priority, routine")) { scene in
            try HostileCase.submitBody(scene) { $0["urgency"] = "urgent" }
        },
        HostileCase(
            "POST /v1/messages", "urgency of 5,000 characters: not echoed", 422,
            check: detail("flash, immediate, priority, routine", without: String(repeating: "u", count: 65))
        ) { scene in
            try HostileCase.submitBody(scene) { $0["urgency"] = String(repeating: "u", count: 5000) }
        },
        HostileCase("PUT /v1/directory/me", "entity twice", 400, check: detail("entity", "twice")) { scene in
            entryText(scene, entryJSON(extra: #""entity":"ANSSI","#))
        },
        HostileCase("PUT /v1/directory/me", "entity twice inside translation_en", 400, check: detail("translation_en.entity", "twice")) { scene in
            entryText(scene, entryJSON(translation: #"{"entity":"CERT-FR","\u0065ntity":"CERT-DE"}"#))
        },
        HostileCase("PUT /v1/directory/me", "a bidi override in entity (CERT\\u202eRF)", 422, check: detail("entry.entity", "U+202E")) { scene in
            entryText(scene, entryJSON(entity: #""CERT\u202eRF""#))
        },
        HostileCase("PUT /v1/directory/me", "a zero-width space in entity, sent unescaped", 422, check: detail("entry.entity", "U+200B")) { scene in
            entryText(scene, entryJSON(entity: "\"CE\u{200B}RT\""))
        },
        HostileCase(
            "PUT /v1/directory/me", "a right-to-left isolate in translation_en.entity", 422,
            check: detail("entry.translation_en.entity", "U+2067")
        ) { scene in
            entryText(scene, entryJSON(translation: #"{"entity":"\u2067CERT"}"#))
        },
        HostileCase("PUT /v1/directory/me", "a byte-order mark in the e-mail address", 422, check: detail("entry.email", "U+FEFF")) { scene in
            entryText(scene, entryJSON().replacingOccurrences(of: "cert@", with: "\\ufeffcert@"))
        },
        HostileCase("PUT /v1/directory/me", "entry_language nl", 422, check: detail("entry_language", "ar, en, es, fr, ru, zh")) { scene in
            entryText(scene, entryJSON(language: "nl"))
        },
        HostileCase("PUT /v1/directory/me", "kind robot", 422, check: detail("kind", "institution, person")) { scene in
            entryText(scene, entryJSON().replacingOccurrences(of: "institution", with: "robot"))
        },
        HostileCase("POST /v1/auth/challenge", "poc_id twice", 400, check: detail("poc_id", "twice")) { _ in
            RawRequest("POST", "/v1/auth/challenge", body: Data(#"{"poc_id":"FRA-TEC-1","poc_id":"DEU-TEC-1"}"#.utf8))
        },
        HostileCase("POST /v1/auth/challenge", "UTF-16 JSON", 400, check: detail("UTF-8")) { _ in
            RawRequest("POST", "/v1/auth/challenge", body: #"{"poc_id":"FRA-TEC-1"}"#.data(using: .utf16LittleEndian))
        },
    ]
}

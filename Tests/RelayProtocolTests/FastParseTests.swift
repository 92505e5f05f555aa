import Foundation
import RelayProtocol
import Sodium
import Testing

@Suite("Fast envelope reader")
struct FastParseTests {
    /// A sealed envelope's JSON as `WireJSON` writes it (what `poc` sends).
    func sealedJSON(recipients: Int) throws -> (Envelope, Data) {
        let cast = try Cast(recipientCount: recipients)
        let envelope = try Envelope.seal(cast.message(body: "payload"), signer: cast.sender, recipientKeys: cast.directory)
        return (envelope, try WireJSON.encode(envelope))
    }

    func strict(_ json: Data) -> Envelope? { try? WireJSON.decode(Envelope.self, from: json) }

    @Test("reads the envelopes clients send, as the strict decoder does", arguments: [1, 2, 17, 512])
    func readsSealed(_ recipients: Int) throws {
        let (envelope, json) = try sealedJSON(recipients: recipients)
        let fast = try #require(Envelope.decodeFast(json))
        #expect(fast == envelope)
        #expect(fast == strict(json))
    }

    @Test("reads other field orders and JSON whitespace")
    func orderAndWhitespace() throws {
        let (envelope, json) = try sealedJSON(recipients: 3)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let pretty = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .withoutEscapingSlashes])
        #expect(Envelope.decodeFast(pretty) == envelope)
        let reversed =
            "{"
            + object.keys.sorted(by: >).map { key in
                let value = try! JSONSerialization.data(withJSONObject: object[key]!, options: [.fragmentsAllowed, .withoutEscapingSlashes])
                return " \"\(key)\" :\t" + String(decoding: value, as: UTF8.self) + "\r\n"
            }.joined(separator: ",") + "} \n"
        #expect(Envelope.decodeFast(Data(reversed.utf8)) == envelope)
    }

    /// Edits the JSON text of a sealed envelope.
    func edited(_ edit: (String) -> String) throws -> Data {
        let (_, json) = try sealedJSON(recipients: 2)
        return Data(edit(String(decoding: json, as: UTF8.self)).utf8)
    }

    @Test("leaves every input outside its subset to the strict decoder")
    func fallsBack() throws {
        let cases: [(String, (String) -> String)] = [
            ("an escape the strict decoder reads", { $0.replacingOccurrences(of: "\"R-0\"", with: "\"R\\u002D0\"") }),
            ("an unknown field", { $0.replacingOccurrences(of: "{\"body\"", with: "{\"x\":1,\"body\"") }),
            ("an unknown field set to null", { $0.replacingOccurrences(of: "{\"body\"", with: "{\"x\":null,\"body\"") }),
            ("a repeated field", { $0.replacingOccurrences(of: "\"v\":1", with: "\"v\":1,\"v\":1") }),
            ("a null for a field", { $0.replacingOccurrences(of: "\"exercise\":false", with: "\"exercise\":null") }),
            ("v spelt 1.0", { $0.replacingOccurrences(of: "\"v\":1", with: "\"v\":1.0") }),
            ("v spelt 10", { $0.replacingOccurrences(of: "\"v\":1", with: "\"v\":10") }),
            ("a missing field", { $0.replacingOccurrences(of: ",\"urgency\":\"flash\"", with: "") }),
            ("non-ASCII bytes", { $0.replacingOccurrences(of: "\"R-0\"", with: "\"R-é\"") }),
            ("trailing bytes", { $0 + "x" }),
            ("a second object", { $0 + "{}" }),
            ("a truncated object", { String($0.dropLast()) }),
            ("an unknown urgency", { $0.replacingOccurrences(of: "\"flash\"", with: "\"urgent\"") }),
            ("a duplicate recipient", { $0.replacingOccurrences(of: "\"to\":[\"R-0\",\"R-1\"]", with: "\"to\":[\"R-0\",\"R-0\"]") }),
            ("a short commitment", { $0.replacingOccurrences(of: "\"commitment\":\"", with: "\"commitment\":\"AAAA") }),
            ("exercise as a number", { $0.replacingOccurrences(of: "\"exercise\":false", with: "\"exercise\":0") }),
        ]
        for (name, edit) in cases {
            let json = try edited(edit)
            #expect(Envelope.decodeFast(json) == nil, "\(name)")
        }
        // The escape is valid JSON: the fallback reads it to the same value.
        let escaped = try edited { $0.replacingOccurrences(of: "\"R-0\"", with: "\"R\\u002D0\"") }
        #expect(try Envelope.parse(escaped).to.contains(try POCID("R-0")))
        // A repeated field: the strict decoder refuses it as malformed, and so does parse.
        let repeated = try edited { $0.replacingOccurrences(of: "\"v\":1", with: "\"v\":1,\"v\":1") }
        #expect(strict(repeated) == nil)
        #expect(#expect(throws: WireError.self) { try Envelope.parse(repeated) }?.code == .duplicateKey)
    }

    @Test("random byte flips: the fast reader never accepts what the strict decoder refuses, nor reads it otherwise")
    func flips() throws {
        let (envelope, json) = try sealedJSON(recipients: 2)
        var generator = SystemRandomNumberGenerator()
        var accepted = 0
        for _ in 0..<3000 {
            var mutated = json
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            guard let fast = Envelope.decodeFast(mutated) else { continue }
            accepted += 1
            #expect(fast == strict(mutated))
        }
        #expect(Envelope.decodeFast(json) == envelope)
        #expect(accepted > 0)  // some flips land in base64 or ids and stay valid
    }

    @Test("a submit answer's own JSON is byte for byte what WireJSON writes")
    func submitResponseJSON() throws {
        for seconds in [0, 1_795_000_000, 253_402_300_799] as [Int64] {
            let response = SubmitResponse(
                id: try MessageID(SecureRandom.bytes(count: 16).lowercaseHex), acceptedAt: Timestamp(secondsSince1970: seconds))
            #expect(response.wireJSON == (try WireJSON.encode(response)))
            #expect(try WireJSON.decode(SubmitResponse.self, from: response.wireJSON) == response)
        }
    }
}

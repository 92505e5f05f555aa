public import Foundation

/// A wire type with a fast reader for its common, well-formed spelling.
///
/// `decodeFast` either returns exactly the value `WireJSON.decode` would, or
/// nil, and then the caller decodes with `WireJSON` (which also words every
/// error). It never accepts what the strict decoder refuses: the fuzz target
/// checks that on every input it runs.
public protocol FastWireDecodable: Decodable {
    /// The value, or nil when the input is not in the subset the fast reader
    /// knows (the strict decoder then decides).
    static func decodeFast(_ json: Data) -> Self?
}

/// A wire type that writes its own JSON, byte for byte what `WireJSON.encode`
/// writes (sorted keys), without `JSONEncoder`.
public protocol FastWireEncodable: Encodable {
    /// The JSON `WireJSON.encode(self)` gives.
    var wireJSON: Data { get }
}

extension SubmitResponse: FastWireEncodable {
    /// `{"accepted_at":"…","id":"…"}`: a time and 32 hex digits need no escaping.
    public var wireJSON: Data { Data(#"{"accepted_at":"\#(acceptedAt.description)","id":"\#(id.rawValue)"}"#.utf8) }
}

extension Envelope: FastWireDecodable {
    /// Reads the envelope JSON that every client sends, in one pass and
    /// without `JSONDecoder` (about a tenth of the relay's CPU per message).
    ///
    /// It knows a subset of JSON: one object holding each of the nine fields
    /// once, strings of printable ASCII without escapes, `v` written `1`,
    /// `exercise` `true` or `false`, and JSON whitespace. Everything else
    /// (escapes, other bytes, `null`, unknown or repeated fields, numbers
    /// spelt otherwise) and every value the strict decoder would refuse give
    /// nil, so that ``Envelope/parse(_:)`` and the relay fall back to
    /// `init(from:)`, which accepts or refuses with its own words.
    public static func decodeFast(_ json: Data) -> Envelope? {
        json.withUnsafeBytes { raw in
            var reader = FastJSONReader(raw)
            return reader.envelope()
        }
    }
}

/// A cursor over JSON bytes that knows the subset of ``Envelope/decodeFast(_:)``.
struct FastJSONReader {
    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    mutating func envelope() -> Envelope? {
        var v: Int?, id: MessageID?, from: POCID?, to: [POCID]?, urgency: Urgency?, exercise: Bool?
        var keys: [POCID: Data]?, commitment: Data?, body: Data?
        guard take("{") else { return nil }
        repeat {
            guard let name = string(), take(":") else { return nil }
            switch name {
            case "v" where v == nil:
                guard take("1"), !startsNumberPart() else { return nil }  // other spellings: the strict decoder
                v = 1
            case "id" where id == nil:
                guard let text = string(), let value = try? MessageID(text) else { return nil }
                id = value
            case "from" where from == nil:
                guard let text = string(), let value = try? POCID(text) else { return nil }
                from = value
            case "to" where to == nil:
                guard let names = stringArray(), let list = try? Envelope.checkedRecipients(names) else { return nil }
                to = list
            case "urgency" where urgency == nil:
                guard let text = string(), let value = Urgency(rawValue: text) else { return nil }
                urgency = value
            case "exercise" where exercise == nil:
                guard let value = boolean() else { return nil }
                exercise = value
            case "keys" where keys == nil:
                guard let value = wrappedKeys() else { return nil }
                keys = value
            case "commitment" where commitment == nil:
                guard let value = base64("commitment").flatMap({ try? Envelope.checkedCommitment($0) }) else { return nil }
                commitment = value
            case "body" where body == nil:
                guard let value = base64("body").flatMap({ try? Envelope.checkedBody($0) }) else { return nil }
                body = value
            default:
                return nil  // unknown or repeated: the strict decoder says which
            }
        } while take(",")
        guard take("}"), atEnd(), v == 1, let id, let from, let to, let urgency, let exercise, let keys, let commitment, let body
        else { return nil }
        return Envelope(id: id, from: from, to: to, urgency: urgency, exercise: exercise, keys: keys, commitment: commitment, body: body)
    }

    /// `{"POC-ID": "<base64 of 80 bytes>", ...}`, each name once.
    private mutating func wrappedKeys() -> [POCID: Data]? {
        guard take("{") else { return nil }
        var keys: [POCID: Data] = [:]
        if take("}") { return keys }
        repeat {
            guard let name = string(), take(":"), let recipient = try? POCID(name, field: "keys"), keys[recipient] == nil,
                let wrapped = base64("keys").flatMap({ try? Envelope.checkedWrappedKey($0, of: name) })
            else { return nil }
            keys[recipient] = wrapped
        } while take(",")
        return take("}") ? keys : nil
    }

    private mutating func base64(_ field: String) -> Data? {
        guard let text = string() else { return nil }
        return try? StrictBase64.decode(text, field: field)
    }

    private mutating func stringArray() -> [String]? {
        guard take("[") else { return nil }
        var strings: [String] = []
        if take("]") { return strings }
        repeat {
            guard let text = string() else { return nil }
            strings.append(text)
        } while take(",")
        return take("]") ? strings : nil
    }

    private mutating func boolean() -> Bool? {
        if take("true") { return true }
        if take("false") { return false }
        return nil
    }

    /// A string of printable ASCII without escapes, after whitespace.
    private mutating func string() -> String? {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == Self.quote else { return nil }
        let start = index + 1
        var end = start
        while end < bytes.count {
            let byte = bytes[end]
            if byte == Self.quote { break }
            guard byte >= 0x20, byte < 0x7F, byte != Self.backslash else { return nil }
            end += 1
        }
        guard end < bytes.count else { return nil }
        index = end + 1
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }

    /// Consumes `token` after whitespace, if it comes next.
    private mutating func take(_ token: StaticString) -> Bool {
        skipWhitespace()
        let count = token.utf8CodeUnitCount
        guard bytes.count - index >= count else { return false }
        for offset in 0..<count where bytes[index + offset] != token.utf8Start[offset] { return false }
        index += count
        return true
    }

    /// Whether a number goes on here (`10`, `1.0`, `1e0`): then it is not `1`.
    private func startsNumberPart() -> Bool {
        guard index < bytes.count else { return false }
        let byte = bytes[index]
        return (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e")
            || byte == UInt8(ascii: "E")
    }

    private mutating func atEnd() -> Bool {
        skipWhitespace()
        return index == bytes.count
    }

    /// JSON's whitespace (RFC 8259): space, tab, line feed, carriage return.
    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}

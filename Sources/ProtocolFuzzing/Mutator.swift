public import Foundation

/// SplitMix64: a small, seedable generator, so that a run can be replayed from its seed.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator that gives the same sequence for the same seed.
    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Mutations of JSON inputs: bit flips, byte changes, truncations,
/// insertions, deletions, duplications, splices with another input, edge
/// values for numbers, strings, times and base64, structural edits of
/// parsed JSON (drop or add a field, change a value's type), and a key sent
/// twice in one object (as written, or with an escape).
public struct Mutator: Sendable {
    /// Tokens inserted or swapped in: JSON syntax, numeric edge values, hostile strings.
    static let tokens: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "\\", " ", "\n", "null", "true", "false", "0", "-0", "1", "-1", "0.5", "1e400", "-1e400",
        "1e-400", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "1.7976931348623157e308", "4.9e-324", "NaN", "Infinity", "01", "1.", ".5", "+1", "0x10",
        "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u00e9\"", "\"\\\"\"", "{}", "[]", "[null]", "{\"\":null}",
        "\"=\"", "\"====\"", "\"AAAA\"", "\"AA==\"", "\"AB==\"", "\"AAA=\"", "\"AAB=\"", "\"-_-_\"", "\"AA AA\"", "\"AA\\nAA\"",
        "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"", "\"0000-01-01T00:00:00Z\"", "\"2024-02-29T00:00:00Z\"",
        "\"2023-02-29T00:00:00Z\"", "\"2026-11-22T24:00:00Z\"", "\"2026-11-22T10:00:60Z\"", "\"2026-11-22T10:00:00.5Z\"",
        "\"2026-11-22T10:00:00+00:00\"", "\"2026-11-22t10:00:00z\"", "\"../../etc/passwd\"", "\"'; DROP TABLE pocs; --\"",
        "\"FRA-TEC-1\"", "\"DEU-TEC-1\"", "\"A\"", "\"\(String(repeating: "A", count: 65))\"", "\"9f86d081884c7d659a2feaa0c55ad015\"",
        "\"9F86D081884C7D659A2FEAA0C55AD015\"", "\"routine\"", "\"flash\"", "\"custodian\"", "\"person\"", "\"zh\"",
        "\"\u{202E}\"", "\"\u{FEFF}\"", "\"\u{1F600}\"", "\u{FEFF}",
        String(repeating: "[", count: 600) + String(repeating: "]", count: 600),
        String(repeating: "{\"a\":", count: 300) + "1" + String(repeating: "}", count: 300),
    ]

    /// Hostile JSON values for structural edits (made on each use: `Any` is not `Sendable`).
    static var values: [Any] {
        [
            NSNull(), true, false, 0, -1, Int64.max, Int64.min, 1.5, 1e300, "", "x", String(repeating: "x", count: 300), [Any](),
            [String: Any](), ["x": 1], [1, 2, 3], "AA==", "2026-11-22T10:00:00Z", "FRA-TEC-1", "9f86d081884c7d659a2feaa0c55ad015",
        ]
    }

    /// Largest input produced; bigger ones are cut.
    public var maxLength = 64 * 1024

    /// Creates a mutator.
    public init() {}

    /// One to four stacked mutations of `input`, with `others` for splicing.
    public func mutate(_ input: Data, others: [Data], using rng: inout SeededGenerator) -> Data {
        var bytes = [UInt8](input)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            bytes = once(bytes, others: others, using: &rng)
        }
        if bytes.count > maxLength { bytes.removeLast(bytes.count - maxLength) }
        return Data(bytes)
    }

    private func once(_ input: [UInt8], others: [Data], using rng: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        let choice = Int.random(in: 0..<13, using: &rng)
        if bytes.isEmpty && choice < 8 { return Array(Self.tokens.randomElement(using: &rng)!.utf8) }
        switch choice {
        case 0:  // flip one bit
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[index] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
        case 1:  // set one byte to an interesting value
            let index = Int.random(in: 0..<bytes.count, using: &rng)
            bytes[index] = [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xE0, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x20, 0x3D, 0x2B, 0x2F]
                .randomElement(using: &rng)!
        case 2:  // truncate
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &rng))
        case 3:  // delete a range
            let start = Int.random(in: 0..<bytes.count, using: &rng)
            let length = Int.random(in: 1...min(32, bytes.count - start), using: &rng)
            bytes.removeSubrange(start..<(start + length))
        case 4:  // insert random bytes
            let at = Int.random(in: 0...bytes.count, using: &rng)
            bytes.insert(contentsOf: (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
        case 5:  // insert a token
            let at = Int.random(in: 0...bytes.count, using: &rng)
            bytes.insert(contentsOf: Array(Self.tokens.randomElement(using: &rng)!.utf8), at: at)
        case 6:  // duplicate a range
            let start = Int.random(in: 0..<bytes.count, using: &rng)
            let length = Int.random(in: 1...min(256, bytes.count - start), using: &rng)
            let at = Int.random(in: 0...bytes.count, using: &rng)
            bytes.insert(contentsOf: bytes[start..<(start + length)], at: at)
        case 7:  // replace a number or a string with an edge value
            bytes = replaceScalar(bytes, using: &rng)
        case 8, 9:  // structural edit of parsed JSON
            bytes = structural(bytes, using: &rng) ?? replaceScalar(bytes, using: &rng)
        case 12:  // a key twice
            bytes = repeatKey(bytes, using: &rng) ?? replaceScalar(bytes, using: &rng)
        default:  // splice with another input
            guard let other = others.randomElement(using: &rng), !other.isEmpty else { return bytes }
            let cut = Int.random(in: 0...bytes.count, using: &rng)
            let from = Int.random(in: 0..<other.count, using: &rng)
            bytes = Array(bytes[..<cut]) + Array(other[other.startIndex.advanced(by: from)...])
        }
        return bytes
    }

    /// Swaps one quoted string or number for a token.
    private func replaceScalar(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        guard !bytes.isEmpty else { return bytes }
        var start = Int.random(in: 0..<bytes.count, using: &rng)
        let isNumberByte: (UInt8) -> Bool = { (0x30...0x39).contains($0) || $0 == 0x2D || $0 == 0x2E || $0 == 0x65 || $0 == 0x45 || $0 == 0x2B }
        if let quote = bytes[start...].firstIndex(of: 0x22), let end = bytes[(quote + 1)...].firstIndex(of: 0x22) {
            start = quote
            var copy = bytes
            copy.replaceSubrange(start...end, with: Array(Self.tokens.randomElement(using: &rng)!.utf8))
            return copy
        }
        guard let first = bytes[start...].firstIndex(where: isNumberByte) else { return bytes }
        var end = first
        while end < bytes.count && isNumberByte(bytes[end]) { end += 1 }
        var copy = bytes
        copy.replaceSubrange(first..<end, with: Array(Self.tokens.randomElement(using: &rng)!.utf8))
        return copy
    }

    /// Values a repeated key is given: another sender, another urgency, other types.
    static let repeatedValues = ["\"DEU-TEC-1\"", "\"FRA-TEC-1\"", "\"routine\"", "1", "null", "true", "{}", "[]", "\"AAAA\""]

    /// Inserts, before one `"name":` of the input, the same name (as written,
    /// or with its first character escaped as `\u00XX`) with another value,
    /// so that the object holds the key twice.
    private func repeatKey(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8]? {
        var names: [Range<Int>] = []  // the text between the quotes of each string followed by a colon
        var index = 0
        while index < bytes.count {
            guard bytes[index] == 0x22 else {
                index += 1
                continue
            }
            var end = index + 1
            while end < bytes.count, bytes[end] != 0x22 { end += bytes[end] == 0x5C ? 2 : 1 }
            guard end < bytes.count else { break }
            var next = end + 1
            while next < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[next]) { next += 1 }
            if next < bytes.count, bytes[next] == 0x3A { names.append((index + 1)..<end) }
            index = end + 1
        }
        guard let name = names.randomElement(using: &rng) else { return nil }
        var key = Array(bytes[name])
        if Bool.random(using: &rng), let first = key.first, first >= 0x20, first < 0x80, first != 0x5C {
            let hex = Array("0123456789abcdef".utf8)
            key = Array("\\u00".utf8) + [hex[Int(first >> 4)], hex[Int(first & 0xF)]] + key.dropFirst()
        }
        var copy = bytes
        let value = Array(Self.repeatedValues.randomElement(using: &rng)!.utf8)
        copy.insert(contentsOf: [0x22] + key + [0x22, 0x3A] + value + [0x2C], at: name.lowerBound - 1)
        return copy
    }

    /// Parses JSON and changes one node: drop a field, add an unknown field,
    /// give a field a value of another type, or empty or repeat an array.
    private func structural(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8]? {
        guard let root = try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed]) else { return nil }
        let changed = edit(root, depth: 0, using: &rng)
        guard JSONSerialization.isValidJSONObject(changed) || !(changed is [String: Any] || changed is [Any]),
            let data = try? JSONSerialization.data(withJSONObject: changed, options: [.fragmentsAllowed, .sortedKeys])
        else { return nil }
        return [UInt8](data)
    }

    private func edit(_ node: Any, depth: Int, using rng: inout SeededGenerator) -> Any {
        if var object = node as? [String: Any], !object.isEmpty {
            let key = object.keys.sorted().randomElement(using: &rng)!
            switch Int.random(in: 0..<5, using: &rng) {
            case 0: object.removeValue(forKey: key)
            case 1: object["unknown_\(Int.random(in: 0..<4, using: &rng))"] = Self.values.randomElement(using: &rng)!
            case 2: object[key] = Self.values.randomElement(using: &rng)!
            default: object[key] = edit(object[key]!, depth: depth + 1, using: &rng)
            }
            return object
        }
        if var array = node as? [Any], !array.isEmpty {
            let index = Int.random(in: 0..<array.count, using: &rng)
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: array.remove(at: index)
            case 1: array.append(array[index])
            case 2: array[index] = Self.values.randomElement(using: &rng)!
            default: array[index] = edit(array[index], depth: depth + 1, using: &rng)
            }
            return array
        }
        return Self.values.randomElement(using: &rng)!
    }
}

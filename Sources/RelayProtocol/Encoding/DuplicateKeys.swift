public import Foundation

/// Finds a JSON object key sent twice in one object, at any depth (docs/protocol.md
/// 1.1, section 5: such a request is malformed, so that two readers of it,
/// a proxy keeping the last value and a decoder keeping the first, never
/// disagree on what it says).
///
/// One pass over the bytes, without building the JSON: value strings are
/// skipped (a 2 MiB envelope is almost all `body`), and only object keys are
/// read, as the strings they stand for (`"a"` and `"\u0061"` are one key, as
/// Swift's string equality, which `JSONDecoder` also uses, says).
/// ``WireJSON/decode(_:from:)`` runs it before every decoding.
public enum DuplicateKeys {
    /// What a scan found.
    public enum Outcome: Hashable, Sendable {
        /// Every object's keys are distinct.
        case distinct
        /// The first key seen twice, as a path such as `entry.translation_en.entity`
        /// or `attachments[0].name`.
        case repeated(path: String)
        /// Not UTF-8 JSON the scan can follow (a NUL or control byte, as in
        /// UTF-16 text; a bad escape or a lone surrogate in a key; a string
        /// without its end; nesting deeper than ``maximumDepth``). `JSONDecoder`
        /// refuses all of these but UTF-16, which the wire does not allow.
        case unreadable
    }

    /// Nesting the scan follows; `JSONDecoder` itself refuses more than 512.
    public static let maximumDepth = 1024

    /// Scans `json`.
    public static func scan(_ json: Data) -> Outcome {
        json.withUnsafeBytes { raw in
            var scanner = KeyScanner(raw)
            return scanner.run()
        }
    }

    /// Throws unless every object in `json` has distinct keys.
    /// - Throws: ``WireError/Code/duplicateKey`` naming the key's path, or
    ///   ``WireError/Code/malformedJSON`` for text that is not UTF-8 JSON
    ///   (both 400).
    public static func check(_ json: Data) throws(WireError) {
        switch scan(json) {
        case .distinct: return
        case .repeated(let path):
            throw WireError(.duplicateKey, field: path, "appears twice in one object; send each field once")
        case .unreadable:
            throw WireError(.malformedJSON, field: "", "The body is not valid UTF-8 JSON")
        }
    }
}

/// The scan of ``DuplicateKeys``: a stack of the open objects and arrays.
private struct KeyScanner {
    /// An open object (its keys so far) or array (the element being read).
    struct Frame {
        let isObject: Bool
        /// Objects: the next string is a key (after `{` or `,`).
        var expectsKey: Bool
        /// Objects: the last key read; the value being read is under it.
        var current = ""
        /// Objects: the keys so far, while few (a linear search is cheaper).
        var few: [String] = []
        /// Objects: the keys so far, once there are many.
        var many: Set<String> = []
        /// Arrays: the index of the element being read.
        var index = 0

        /// Records `key`; false when the object has it already.
        mutating func add(_ key: String) -> Bool {
            current = key
            guard many.isEmpty else { return many.insert(key).inserted }
            if few.contains(key) { return false }
            few.append(key)
            if few.count > 16 {
                many = Set(few)
                few = []
            }
            return true
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private var stack: [Frame] = []

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    private static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")

    mutating func run() -> DuplicateKeys.Outcome {
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                guard stack.count < DuplicateKeys.maximumDepth else { return .unreadable }
                stack.append(Frame(isObject: byte == UInt8(ascii: "{"), expectsKey: byte == UInt8(ascii: "{")))
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !stack.isEmpty { stack.removeLast() }  // a mismatch is the decoder's to refuse
                index += 1
            case UInt8(ascii: ","):
                if let top = stack.indices.last {
                    if stack[top].isObject { stack[top].expectsKey = true } else { stack[top].index += 1 }
                }
                index += 1
            case UInt8(ascii: ":"):
                if let top = stack.indices.last { stack[top].expectsKey = false }
                index += 1
            case Self.quote:
                if let top = stack.indices.last, stack[top].isObject, stack[top].expectsKey {
                    guard let (key, end) = key(from: index + 1) else { return .unreadable }
                    stack[top].expectsKey = false
                    guard stack[top].add(key) else { return .repeated(path: path()) }
                    index = end
                } else {
                    guard let end = endOfString(from: index + 1) else { return .unreadable }
                    index = end
                }
            case 0x20, 0x09, 0x0A, 0x0D:
                index += 1
            default:
                // Numbers, literals, a UTF-8 byte-order mark (which JSONDecoder
                // skips); a control byte (a NUL of UTF-16 text) is no JSON here.
                if byte < 0x20 { return .unreadable }
                index += 1
            }
        }
        return .distinct
    }

    /// Past the closing quote of the string whose text starts at `start`;
    /// nil without one, or at a control byte. Escapes in values are the
    /// decoder's to check.
    private func endOfString(from start: Int) -> Int? {
        var index = start
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            if byte == Self.quote { return index + 1 }
            if byte == Self.backslash {
                index += 2
            } else {
                if byte < 0x20 { return nil }
                index += 1
            }
        }
        return nil
    }

    /// The key whose text starts at `start`, unescaped, and the index past it.
    private func key(from start: Int) -> (String, Int)? {
        var index = start
        var escaped = false
        let count = bytes.count
        while index < count, bytes[index] != Self.quote {
            if bytes[index] == Self.backslash {
                escaped = true
                index += 2
            } else {
                if bytes[index] < 0x20 { return nil }
                index += 1
            }
        }
        guard index < count else { return nil }
        let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
        guard let key = escaped ? Self.unescaped(text) : String(decoding: text, as: UTF8.self) else { return nil }
        return (key, index + 1)
    }

    /// The text of a JSON string with escapes (RFC 8259 section 7); nil for a
    /// bad escape or a lone surrogate.
    private static func unescaped(_ text: UnsafeRawBufferPointer) -> String? {
        var utf8: [UInt8] = []
        utf8.reserveCapacity(text.count)
        var index = 0
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= text.count else { return nil }
            var value: UInt32 = 0
            for byte in text[at..<(at + 4)] {
                guard let digit = hexDigit(byte) else { return nil }
                value = value << 4 | digit
            }
            return value
        }
        while index < text.count {
            let byte = text[index]
            guard byte == backslash else {
                utf8.append(byte)
                index += 1
                continue
            }
            guard index + 1 < text.count else { return nil }
            let escape = text[index + 1]
            index += 2
            switch escape {
            case quote, backslash, UInt8(ascii: "/"): utf8.append(escape)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                guard var value = hex4(index) else { return nil }
                index += 4
                if (0xD800...0xDBFF).contains(value) {
                    guard index + 6 <= text.count, text[index] == backslash, text[index + 1] == UInt8(ascii: "u"),
                        let low = hex4(index + 2), (0xDC00...0xDFFF).contains(low)
                    else { return nil }
                    index += 6
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(value) else { return nil }  // a lone low surrogate
                utf8.append(contentsOf: String(Character(scalar)).utf8)
            default:
                return nil
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private static func hexDigit(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// The path of the key just read: `a.b[2].c`.
    private func path() -> String {
        var path = ""
        for frame in stack {
            if frame.isObject {
                if !path.isEmpty { path += "." }
                path += frame.current
            } else {
                path += "[\(frame.index)]"
            }
        }
        return path
    }
}

import Foundation

/// A plain, slow reading of JSON (RFC 8259) that finds a key sent twice, to
/// check `DuplicateKeys` against: a recursive descent over the whole grammar,
/// with each key's text decoded by `JSONDecoder`, the relay's reader (not by
/// the scan's own unescaping), compared with Swift's string equality.
/// (`JSONSerialization` would not do: it drops a U+FEFF that follows an
/// escape, so it reads `"\u0065\u{FEFF}mail"` as `email`.)
enum ReferenceJSON {
    /// What the reading found.
    enum Outcome: Equatable {
        /// Not JSON (or nested deeper than `JSONDecoder` reads): the scan may say anything.
        case notJSON
        /// Every object's keys are distinct.
        case distinct
        /// The first key seen twice, as a path like the scan's.
        case repeated(path: String)
    }

    /// Reads `data` whole.
    static func read(_ data: Data) -> Outcome {
        var reader = Reader(bytes: [UInt8](data))
        if reader.bytes.starts(with: [0xEF, 0xBB, 0xBF]) { reader.index = 3 }  // JSONDecoder skips a UTF-8 BOM
        do throws(Stop) {
            try reader.value(path: "", depth: 0)
        } catch {
            guard case .repeated(let path) = error else { return .notJSON }
            return .repeated(path: path)
        }
        reader.whitespace()
        return reader.index == reader.bytes.count ? .distinct : .notJSON
    }

    private enum Stop: Error {
        case notJSON
        case repeated(String)
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        let decoder = JSONDecoder()

        mutating func whitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func take(_ byte: UInt8) -> Bool {
            whitespace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        mutating func literal(_ word: String) throws(Stop) {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<(index + expected.count)]) == expected else { throw .notJSON }
            index += expected.count
        }

        mutating func value(path: String, depth: Int) throws(Stop) {
            guard depth <= 512 else { throw .notJSON }
            whitespace()
            guard index < bytes.count else { throw .notJSON }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var keys: [String] = []
                if take(UInt8(ascii: "}")) { return }
                repeat {
                    whitespace()
                    let key = try string()
                    let child = path.isEmpty ? key : "\(path).\(key)"
                    if keys.contains(key) { throw .repeated(child) }
                    keys.append(key)
                    guard take(UInt8(ascii: ":")) else { throw .notJSON }
                    try value(path: child, depth: depth + 1)
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "}")) else { throw .notJSON }
            case UInt8(ascii: "["):
                index += 1
                if take(UInt8(ascii: "]")) { return }
                var element = 0
                repeat {
                    try value(path: "\(path)[\(element)]", depth: depth + 1)
                    element += 1
                } while take(UInt8(ascii: ","))
                guard take(UInt8(ascii: "]")) else { throw .notJSON }
            case UInt8(ascii: "\""): _ = try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        /// A string literal at `index`, decoded by `JSONDecoder`.
        mutating func string() throws(Stop) -> String {
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw .notJSON }
            let start = index
            index += 1
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                guard bytes[index] >= 0x20 else { throw .notJSON }
                index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
            }
            guard index < bytes.count else { throw .notJSON }
            index += 1
            let literal = Data(bytes[start..<index])
            guard let text = try? decoder.decode(String.self, from: literal) else { throw .notJSON }
            return text
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() throws(Stop) {
            func digits() -> Int {
                let start = index
                while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
                return index - start
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw .notJSON }
            if bytes[index] == UInt8(ascii: "0") { index += 1 } else if digits() == 0 { throw .notJSON }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                index += 1
                guard digits() > 0 else { throw .notJSON }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard digits() > 0 else { throw .notJSON }
            }
        }
    }
}

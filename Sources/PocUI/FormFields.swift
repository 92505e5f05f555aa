import Foundation
import Sodium

/// The fields of an `application/x-www-form-urlencoded` or `multipart/form-data`
/// body, kept as bytes so a secret field (the passphrase) becomes ``SecretBytes``
/// without passing through a `String`; the bytes are zeroed when the form goes away.
final class FormFields: @unchecked Sendable {
    // Safe as Sendable: written only in `init`, zeroed in `deinit`, only read between.
    private var fields: [(name: String, value: [UInt8])]
    private var uploads: [(name: String, file: UploadedFile)] = []

    /// A file of a `multipart/form-data` body (an `<input type="file">`).
    struct UploadedFile {
        /// The name the browser gave, without any folder.
        let fileName: String
        /// The bytes.
        var bytes: [UInt8]
    }

    /// Parses `body` (`name=value&...`, `+` for space, `%XX` escapes).
    init(body: UnsafeRawBufferPointer) {
        fields = []
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: Self.decode(parts[0]), as: UTF8.self)
            fields.append((name, parts.count > 1 ? Self.decode(parts[1]) : []))
        }
    }

    /// Parses a `multipart/form-data` body (RFC 7578) with `boundary`: each
    /// part's `Content-Disposition` names the field, and a `filename` makes it
    /// a file (a file input left empty, with an empty name and no bytes, is skipped).
    /// A body that does not parse gives the parts read before the fault.
    init(multipart body: UnsafeRawBufferPointer, boundary: String) {
        fields = []
        let delimiter = Array("--\(boundary)".utf8)
        var bytes = Array(body)
        defer { SecretBytes.zero(&bytes) }
        var starts: [Int] = []
        var index = 0
        while let found = Self.find(delimiter, in: bytes, from: index) {
            starts.append(found)
            index = found + delimiter.count
        }
        for (first, next) in zip(starts, starts.dropFirst()) {
            var start = first + delimiter.count
            guard start + 2 <= next, bytes[start] == 13, bytes[start + 1] == 10 else { continue }
            start += 2
            var end = next  // the part ends with CRLF before the next delimiter
            if end - 2 >= start, bytes[end - 2] == 13, bytes[end - 1] == 10 { end -= 2 }
            guard let blank = Self.find(Array("\r\n\r\n".utf8), in: bytes, from: start), blank <= end else { continue }
            let headers = String(decoding: bytes[start..<blank], as: UTF8.self)
            let content = Array(bytes[(blank + 4)..<max(blank + 4, end)])
            guard let disposition = Self.disposition(headers), let name = disposition["name"] else { continue }
            if let fileName = disposition["filename"] {
                let base = fileName.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
                if !base.isEmpty || !content.isEmpty { uploads.append((name, UploadedFile(fileName: base, bytes: content))) }
            } else {
                fields.append((name, content))
            }
        }
    }

    deinit {
        for index in fields.indices { SecretBytes.zero(&fields[index].value) }
        for index in uploads.indices { SecretBytes.zero(&uploads[index].file.bytes) }
    }

    /// The files uploaded under `name`, in the order sent.
    func files(_ name: String) -> [UploadedFile] {
        uploads.filter { $0.name == name }.map(\.file)
    }

    /// The boundary of a `multipart/form-data` content type, or `nil` for another type.
    static func multipartBoundary(contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for part in parts.dropFirst() where part.lowercased().hasPrefix("boundary=") {
            let value = part.dropFirst("boundary=".count).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// The `name` and `filename` parameters of a part's `Content-Disposition: form-data` header.
    private static func disposition(_ headers: String) -> [String: String]? {
        for line in headers.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":"), line[..<colon].lowercased() == "content-disposition" else { continue }
            var result: [String: String] = [:]
            var rest = Substring(line[line.index(after: colon)...])
            while let equals = rest.firstIndex(of: "=") {
                let key = rest[..<equals].split(separator: ";").last?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
                var after = rest[rest.index(after: equals)...]
                var value = ""
                if after.first == "\"" {
                    after = after.dropFirst()
                    let close = after.firstIndex(of: "\"") ?? after.endIndex
                    value = String(after[..<close])
                    rest = close < after.endIndex ? after[after.index(after: close)...] : ""
                } else {
                    let close = after.firstIndex(of: ";") ?? after.endIndex
                    value = after[..<close].trimmingCharacters(in: .whitespaces)
                    rest = after[close...]
                }
                result[key] = value
            }
            return result
        }
        return nil
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == needle[0] && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The first value of `name` as text.
    subscript(name: String) -> String? {
        fields.first { $0.name == name }.map { String(decoding: $0.value, as: UTF8.self) }
    }

    /// The first value of `name` as a secret.
    func secret(_ name: String) -> SecretBytes? {
        fields.first { $0.name == name }.map { SecretBytes(copying: $0.value) }
    }

    /// Percent-decodes one name or value into a buffer reserved once (no
    /// reallocation leaves a copy of a secret behind).
    private static func decode(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): out.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let first = iterator.next() else {
                    out.append(byte)
                    break
                }
                guard let second = iterator.next() else {
                    out.append(contentsOf: [byte, first])
                    break
                }
                if let high = hexValue(first), let low = hexValue(second) {
                    out.append(high << 4 | low)
                } else {
                    out.append(contentsOf: [byte, first, second])
                }
            default: out.append(byte)
            }
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

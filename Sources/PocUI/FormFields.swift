import Foundation
import Sodium

/// The fields of an `application/x-www-form-urlencoded` body, kept as bytes
/// so a secret field (the passphrase) becomes ``SecretBytes`` without passing
/// through a `String`; the bytes are zeroed when the form goes away.
final class FormFields: @unchecked Sendable {
    // Safe as Sendable: written only in `init`, zeroed in `deinit`, only read between.
    private var fields: [(name: String, value: [UInt8])]

    /// Parses `body` (`name=value&...`, `+` for space, `%XX` escapes).
    init(body: UnsafeRawBufferPointer) {
        fields = []
        for pair in body.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(decoding: Self.decode(parts[0]), as: UTF8.self)
            fields.append((name, parts.count > 1 ? Self.decode(parts[1]) : []))
        }
    }

    deinit {
        for index in fields.indices { SecretBytes.zero(&fields[index].value) }
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

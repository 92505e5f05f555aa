public import Foundation

/// Standard base64 with padding (RFC 4648 section 4), parsed strictly:
/// decode, re-encode, compare. Whitespace, missing padding, URL-safe letters
/// and non-zero trailing bits are all refused, so every byte string has
/// exactly one accepted spelling.
public enum StrictBase64 {
    /// Encodes `bytes`.
    public static func encode(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString()
    }

    /// Decodes a canonical base64 string.
    /// - Parameters:
    ///   - text: The base64 text.
    ///   - field: The JSON field, for the error.
    ///   - byteCount: When given, the exact decoded length required.
    /// - Throws: ``WireError/Code/malformedBase64`` or ``WireError/Code/wrongLength``.
    public static func decode(_ text: String, field: String, byteCount: Int? = nil) throws(WireError) -> Data {
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else {
            throw WireError(.malformedBase64, field: field, "is not canonical standard base64 with padding")
        }
        if let byteCount, data.count != byteCount {
            throw WireError(.wrongLength, field: field, "must decode to \(byteCount) bytes, not \(data.count)")
        }
        return data
    }
}

/// Bytes that travel as canonical base64 in JSON.
public struct Base64Bytes: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The decoded bytes.
    public let data: Data

    /// Wraps bytes.
    public init(_ data: Data) { self.data = data }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { self.data = try StrictBase64.decode(text, field: "") } catch { throw error.at(decoder.codingPath) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(StrictBase64.encode(data))
    }

    /// The base64 text.
    public var base64: String { StrictBase64.encode(data) }
    public var description: String { base64 }
}

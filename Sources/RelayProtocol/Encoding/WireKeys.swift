public import Foundation
public import Sodium

extension SigningPublicKey {
    /// An Ed25519 key from wire bytes.
    /// - Throws: ``WireError/Code/wrongLength`` unless 32 bytes.
    public init(wire: Base64Bytes, field: String) throws(WireError) {
        do { try self.init(rawRepresentation: wire.data) } catch {
            throw WireError(.wrongLength, field: field, "must decode to \(Self.byteCount) bytes")
        }
    }
}

extension BoxPublicKey {
    /// An X25519 key from wire bytes.
    /// - Throws: ``WireError/Code/wrongLength`` unless 32 bytes.
    public init(wire: Base64Bytes, field: String) throws(WireError) {
        do { try self.init(rawRepresentation: wire.data) } catch {
            throw WireError(.wrongLength, field: field, "must decode to \(Self.byteCount) bytes")
        }
    }
}

/// The JSON coders every part of POC Relay uses for wire bodies.
public enum WireJSON {
    /// A fresh encoder: sorted keys (stable bytes), no escaped slashes.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A fresh decoder. It keeps the first of two equal keys: decode through
    /// ``decode(_:from:)``, which refuses them first.
    public static func decoder() -> JSONDecoder { JSONDecoder() }

    /// Encodes a wire value.
    public static func encode(_ value: some Encodable) throws -> Data { try encoder().encode(value) }

    /// Decodes a wire value, refusing first any object with a key twice
    /// (``DuplicateKeys``) and text that is not UTF-8 JSON.
    /// - Throws: a `WireError` (``WireError/Code/duplicateKey`` and
    ///   ``WireError/Code/malformedJSON`` among them) or a `DecodingError`.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try DuplicateKeys.check(data)
        return try decoder().decode(type, from: data)
    }
}

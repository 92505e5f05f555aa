import Foundation
import RelayProtocol

/// Pretty-printed JSON for `--format json`, written by the wire's encoder
/// (sorted keys, slashes unescaped) so listings read like the API's bodies.
///
/// - Parameter value: What to print.
/// - Returns: The JSON text, without a final newline.
/// - Throws: `EncodingError` when `value` cannot be encoded.
public func prettyJSON(_ value: some Encodable) throws -> String {
    let encoder = WireJSON.encoder()
    encoder.outputFormatting.insert(.prettyPrinted)
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

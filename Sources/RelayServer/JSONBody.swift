import Foundation
import Hummingbird
import NIOCore
import NIOHTTP1
import RelayProtocol
import RelayService

/// JSON in and out of handlers.
enum JSONBody {
    /// Reads and strictly decodes a JSON request body.
    ///
    /// Strict means: the shape of the wire type, canonical values (the wire
    /// types check those), and no field the type does not know. A field the
    /// relay would not write back is one it does not understand, so the body
    /// is compared with the re-encoding of what was decoded; an unknown field
    /// is refused rather than silently dropped (README, "Decisions").
    /// - Throws: 413 over the limit; 400 for JSON that is not the expected
    ///   shape or has a field the protocol does not define, naming the field;
    ///   400/422 from wire validation.
    static func decode<T: Codable>(_ type: T.Type, from request: Request, context: RelayRequestContext) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: context.maxUploadSize)
        } catch let error as HTTPParserError {
            throw error  // a body the parser refused (a bad chunk): ParserErrorProblem answers, and the connection closes
        } catch {
            throw RelayFailure.tooLarge("The request body is larger than \(context.maxUploadSize) bytes.")
        }
        let data = Data(buffer.readableBytesView)
        let value: T
        do {
            value = try WireJSON.decode(T.self, from: data)
        } catch let error as WireError {
            throw RelayFailure.wire(error)
        } catch let error as UnknownField {
            throw Self.unknown(error.field)
        } catch let error as DecodingError {
            throw RelayFailure.badRequest(Self.explain(error))
        } catch {
            throw RelayFailure.badRequest("The body is not valid JSON.")
        }
        // Types that refuse unknown fields while decoding need no second pass.
        if !(value is any UnknownField.Checked), let field = unknownField(in: data, decoded: value) {
            throw unknown(field)
        }
        return value
    }

    private static func unknown(_ field: String) -> RelayFailure {
        .badRequest(
            "The field \(RelayFailure.printable(field)) is not part of this request in protocol version 1; remove it (see docs/protocol.md section 5)."
        )
    }

    /// The first field (as a dotted path) of the JSON `data` that the
    /// re-encoding of `decoded` does not have, or nil. A `null` for a field
    /// the encoder leaves out counts as absent.
    static func unknownField(in data: Data, decoded: some Encodable) -> String? {
        guard let original = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let encoded = try? WireJSON.encode(decoded),
            let reference = try? JSONSerialization.jsonObject(with: encoded, options: [.fragmentsAllowed])
        else { return nil }
        return firstUnknown(original, reference, path: "")
    }

    private static func firstUnknown(_ original: Any, _ reference: Any, path: String) -> String? {
        if let object = original as? [String: Any] {
            let known = reference as? [String: Any] ?? [:]
            for key in object.keys.sorted() {
                let field = path.isEmpty ? key : "\(path).\(key)"
                guard let value = object[key] else { continue }
                guard let expected = known[key] else {
                    if value is NSNull { continue }
                    return field
                }
                if let found = firstUnknown(value, expected, path: field) { return found }
            }
        } else if let array = original as? [Any], let expected = reference as? [Any], array.count == expected.count {
            for (index, element) in array.enumerated() {
                if let found = firstUnknown(element, expected[index], path: "\(path)[\(index)]") { return found }
            }
        }
        return nil
    }

    /// A JSON response.
    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try WireJSON.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Words a user can act on for a decoding failure; no internals.
    static func explain(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            let joined = codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
            return joined.isEmpty ? "the body" : RelayFailure.printable(joined)
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
            return "The field \(key.stringValue) is missing\(parent)."
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)) has the wrong type or is null."
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "The body is not valid UTF-8 JSON." }
            return "\(path(context.codingPath)) has a value that is not allowed."
        @unknown default:
            return "The body does not have the expected shape."
        }
    }
}

import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

/// One HTTP request as a hostile client sends it: any method, path, headers and bytes.
struct RawRequest: Sendable {
    var method: String
    var path: String
    var query: [(String, String)] = []
    var headers: [(String, String)] = []
    var body: Data?

    /// A request with `Content-Type: application/json` and, given a token, `Authorization: Bearer`.
    init(_ method: String, _ path: String, body: Data? = nil, token: String? = nil, query: [(String, String)] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.body = body
        if body != nil { headers.append(("Content-Type", "application/json")) }
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
    }

    /// The same request with another `Authorization` header (or none).
    func authorization(_ value: String?) -> RawRequest {
        var copy = self
        copy.headers.removeAll { $0.0 == "Authorization" }
        if let value { copy.headers.append(("Authorization", value)) }
        return copy
    }
}

extension RelayAPIClient {
    /// Sends a raw request and returns whatever the relay answers.
    func send(_ request: RawRequest, timeout: Duration = .seconds(30)) async throws -> RawResponse {
        try await http.send(
            method: request.method, path: request.path, query: request.query, body: request.body, headers: request.headers,
            timeout: timeout)
    }
}

/// JSON bodies built by hand, to send what no wire type would encode.
enum JSONBody {
    /// A wire value as a mutable JSON object.
    static func object(_ value: some Encodable) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: WireJSON.encode(value)) as? [String: Any] ?? [:]
    }

    /// The bytes of a JSON value (sorted keys, slashes unescaped).
    static func data(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
    }

    /// `object` changed by `edit`, as bytes.
    static func edited(_ value: some Encodable, _ edit: (inout [String: Any]) -> Void) throws -> Data {
        var object = try object(value)
        edit(&object)
        return try data(object)
    }
}

/// Base64 spellings that decode (or nearly) but are not the canonical one.
enum Base64Spelling {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// The same bytes with non-zero padding bits (only for lengths not a multiple of 3).
    static func nonZeroTrailingBits(_ canonical: String) -> String {
        var characters = Array(canonical)
        guard let last = characters.lastIndex(where: { $0 != "=" }), let index = alphabet.firstIndex(of: characters[last]) else {
            return canonical
        }
        characters[last] = alphabet[index ^ 1]
        return String(characters)
    }

    /// Without its `=` padding.
    static func unpadded(_ canonical: String) -> String { canonical.replacingOccurrences(of: "=", with: "") }

    /// With the URL-safe alphabet (`-` and `_`), forced to contain one of them.
    static func urlSafe(_ canonical: String) -> String {
        let swapped = canonical.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        return swapped == canonical ? "_" + String(canonical.dropFirst()) : swapped
    }
}

/// Random bytes.
func randomBytes(_ count: Int) -> Data { SecureRandom.bytes(count: count) }

/// A message id nobody used.
func unusedMessageID() -> String { MessageID.random().rawValue }

/// Waits (without blocking a thread) until `condition` holds or `timeout` passes; whether it held.
func eventually(timeout: Duration, poll: Duration = .milliseconds(50), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: poll)
    }
    return try await condition()
}

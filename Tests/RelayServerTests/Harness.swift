import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Sodium
import Testing

extension RelayAPIClient {
    /// A raw request: JSON body (or bytes), optional bearer token.
    func raw(
        _ method: String, _ path: String, json: (any Encodable & Sendable)? = nil, bytes: Data? = nil, token: String? = nil
    ) async throws
        -> RawResponse
    {
        var headers = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        let body = try bytes ?? json.map { try WireJSON.encode($0) }
        return try await http.send(method: method, path: path, body: body, headers: headers, timeout: .seconds(30))
    }
}

import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Sodium
import Testing

@Suite("Request limits from the configuration")
struct RequestLimitTests {
    @Test("the configured request body limit holds, not only the default")
    func configuredBodyLimit() async throws {
        try await withRelay(configure: { $0.maxRequestBodyBytes = 4096 }) { relay, api in
            let fra = try await relay.enrol("FRA", .technical, api: api)
            let deu = try await relay.enrol("DEU", .technical, api: api)
            let token = try await fra.session.token()
            let small = try fra.seal(to: [deu], body: "fits")
            #expect(try await api.send(RawRequest("POST", "/v1/messages", body: WireJSON.encode(small), token: token)).status == 201)
            let large = try fra.seal(to: [deu], body: String(repeating: "x", count: 8192))
            let response = try await api.send(RawRequest("POST", "/v1/messages", body: WireJSON.encode(large), token: token))
            #expect(response.status == 413)
            #expect(try response.problem().detail.contains("4096"))
            #expect(try await deu.session.inbox(wait: 0, limit: 10).messages.map(\.id) == [small.id])
        }
    }
}

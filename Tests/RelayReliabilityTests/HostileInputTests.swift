import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

@Suite("Hostile input: every endpoint refuses it with the specified status, keeps serving, changes nothing")
struct HostileInputTests {
    @Test(arguments: HostileCase.all)
    func refused(_ hostile: HostileCase) async throws {
        try await withScene(configure: hostile.configure) { scene in
            let request = try await hostile.request(scene)
            let before = try StoreSnapshot.take(scene.storePath)
            let response = try await scene.api.send(request)
            #expect(response.status == hostile.status, "\(response.text)")
            if response.status >= 400 {
                let problem = try response.problem()
                if let expected = hostile.sameAs { #expect(problem == expected) }
            }
            try await hostile.check(scene, response)
            #expect(try await scene.api.health(), "the relay stopped serving")
            let after = try StoreSnapshot.take(scene.storePath)
            let changed = before.changedTables(after).subtracting(hostile.mayChange)
            #expect(changed.isEmpty, "changed: \(changed.sorted()) (before \(before), after \(after))")
        }
    }

    @Test(
        "a very long header or too many headers are refused, and the relay keeps serving",
        arguments: [
            [("X-Padding", String(repeating: "a", count: 100 * 1024))],
            (0..<2000).map { ("X-Header-\($0)", "v") },
            [("Authorization", "Bearer " + String(repeating: "f", count: 200 * 1024))],
        ])
    func oversizedHeaders(_ headers: [(String, String)]) async throws {
        try await withRelay { relay, api in
            // A fresh client: the relay may close the connection instead of answering.
            let hostile = try relay.client()
            defer { Task { try? await hostile.shutdown() } }
            do {
                let response = try await hostile.http.send(method: "GET", path: "/v1/relay", body: nil, headers: headers, timeout: .seconds(20))
                #expect([400, 431].contains(response.status), "answered \(response.status)")
            } catch let error as RelayClientError {
                guard case .unreachable = error.kind else {
                    Issue.record("unexpected failure \(error)")
                    return
                }
            }
            #expect(try await api.health())
            #expect(try await api.relayInfo().version == 1)
        }
    }
}

import Foundation
import Testing

@testable import RelayServer

/// The two in-memory parts of the address limit on their own.
@Suite("Token buckets and known sessions")
struct BucketTests {
    @Test("wait looks without taking; take spends the burst, then says how long to wait")
    func waitDoesNotTake() {
        let buckets = TokenBuckets(rate: 0.01, burst: 2)
        for _ in 0..<5 { #expect(buckets.wait("a") == nil) }
        #expect(buckets.take("a") == nil)
        #expect(buckets.take("a") == nil)
        #expect(buckets.wait("a") == 100)
        #expect(buckets.take("a") == 100)
        #expect(buckets.take("b") == nil, "another key has a bucket of its own")
    }

    @Test("a session is known once remembered, until forgotten or past its retention")
    func knownSessions() async throws {
        let sessions = KnownSessions(retention: .milliseconds(300))
        let token = String(repeating: "ab", count: 32)[...]
        #expect(!sessions.contains(token))
        sessions.remember(token)
        #expect(sessions.contains(token))
        #expect(!sessions.contains(String(repeating: "cd", count: 32)[...]))
        sessions.forget(token)
        #expect(!sessions.contains(token))
        sessions.remember(token)
        try await Task.sleep(for: .milliseconds(400))
        #expect(!sessions.contains(token), "kept past its retention")
    }

    @Test("past its capacity the table drops expired fingerprints, or all, and keeps the newest")
    func knownSessionsCapacity() {
        let sessions = KnownSessions(retention: .seconds(60), capacity: 2)
        let tokens = ["a", "b", "c"].map { String(repeating: $0, count: 64)[...] }
        for token in tokens { sessions.remember(token) }
        #expect(sessions.contains(tokens[2]))
        #expect(!sessions.contains(tokens[0]) && !sessions.contains(tokens[1]))
    }
}

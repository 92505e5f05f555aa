import Foundation
import RelayProtocol
import RelayTestSupport
import Sodium
import Testing

@testable import RelayService

/// The cache's time comes from its callers (`now:` arguments): these tests
/// pass instants and dates they make, never the real clock's.
@Suite("Caller cache")
struct CallerCacheTests {
    @Test("a session is held until it expires, then forgotten; its POC stays")
    func sessionExpiry() throws {
        let clock = TestClock()
        let cache = CallerCache(interval: .milliseconds(250))
        let caller = try testCaller("FRA-TEC-1")
        let token = Data("token-1".utf8)
        cache.remember(session: token, caller: caller, expiresAt: clock.now().addingTimeInterval(60), generation: cache.generation)

        #expect(cache.caller(session: token, now: clock.now()) == caller)
        clock.advance(seconds: 59)
        #expect(cache.caller(session: token, now: clock.now()) == caller)
        clock.advance(seconds: 1)
        #expect(cache.caller(session: token, now: clock.now()) == nil)
        // Gone for good, not just hidden at that time.
        #expect(cache.caller(session: token, now: clock.now().addingTimeInterval(-30)) == nil)
        #expect(cache.caller(poc: "FRA-TEC-1") == caller)
        #expect(cache.caller(session: Data("unknown".utf8), now: clock.now()) == nil)
    }

    @Test("recheckDue is true at most once per interval")
    func recheckOncePerInterval() {
        let cache = CallerCache(interval: .milliseconds(250))
        let start = ContinuousClock.now
        #expect(cache.recheckDue(now: start))
        #expect(!cache.recheckDue(now: start))
        #expect(!cache.recheckDue(now: start + .milliseconds(100)))
        #expect(!cache.recheckDue(now: start + .milliseconds(249)))
        #expect(cache.recheckDue(now: start + .milliseconds(250)))
        // The interval now counts from the second read.
        #expect(!cache.recheckDue(now: start + .milliseconds(400)))
        #expect(cache.recheckDue(now: start + .milliseconds(500)))
        #expect(cache.recheckDue(now: start + .seconds(10)))
    }

    @Test("of many requests at once, one reads the version and the others go on")
    func oneReaderPerInterval() async {
        let cache = CallerCache(interval: .seconds(3600))
        let now = ContinuousClock.now
        let due = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<64 { group.addTask { cache.recheckDue(now: now) } }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(due == 1)
    }

    @Test("the first version observed clears what was filled before it; a new version clears, the same does not")
    func observeVersion() throws {
        let cache = CallerCache(interval: .milliseconds(250))
        let caller = try testCaller("FRA-TEC-1")
        let start = cache.generation
        cache.remember(pocs: [caller], generation: start)
        #expect(cache.caller(poc: "FRA-TEC-1") == caller)

        // Filled under an unknown version: cleared, but not reported as a move.
        #expect(cache.observe(version: 3) == false)
        #expect(cache.caller(poc: "FRA-TEC-1") == nil)
        #expect(cache.generation != start)

        cache.remember(pocs: [caller], generation: cache.generation)
        let kept = cache.generation
        #expect(cache.observe(version: 3) == false)
        #expect(cache.caller(poc: "FRA-TEC-1") == caller)
        #expect(cache.generation == kept)

        #expect(cache.observe(version: 4) == true)
        #expect(cache.caller(poc: "FRA-TEC-1") == nil)
        #expect(cache.generation != kept)
    }

    @Test("a fill that read the store before a clear is dropped")
    func staleFillDropped() throws {
        let clock = TestClock()
        let cache = CallerCache(interval: .milliseconds(250))
        let caller = try testCaller("FRA-TEC-1")
        let expires = clock.now().addingTimeInterval(3600)

        // A request reads the generation, then the store; a revocation clears meanwhile.
        let before = cache.generation
        cache.clear()
        cache.remember(session: Data("token".utf8), caller: caller, expiresAt: expires, generation: before)
        cache.remember(pocs: [caller], generation: before)
        #expect(cache.caller(session: Data("token".utf8), now: clock.now()) == nil)
        #expect(cache.caller(poc: "FRA-TEC-1") == nil)

        // The same through a directory version change.
        _ = cache.observe(version: 1)
        let beforeChange = cache.generation
        #expect(cache.observe(version: 2))
        cache.remember(pocs: [caller], generation: beforeChange)
        #expect(cache.caller(poc: "FRA-TEC-1") == nil)

        // A fill that started after the clear is held.
        cache.remember(session: Data("token".utf8), caller: caller, expiresAt: expires, generation: cache.generation)
        #expect(cache.caller(session: Data("token".utf8), now: clock.now()) == caller)
    }

    @Test("clear (a revocation) forgets every session and every POC")
    func clearForgetsEverything() throws {
        let clock = TestClock()
        let cache = CallerCache(interval: .milliseconds(250))
        let fra = try testCaller("FRA-TEC-1"), deu = try testCaller("DEU-DIP-1", state: "DEU", role: .diplomatic)
        let expires = clock.now().addingTimeInterval(3600)
        cache.remember(session: Data("fra".utf8), caller: fra, expiresAt: expires, generation: cache.generation)
        cache.remember(session: Data("deu".utf8), caller: deu, expiresAt: expires, generation: cache.generation)
        cache.remember(pocs: [try testCaller("KOR-TEC-1", state: "KOR")], generation: cache.generation)

        cache.clear()
        for token in ["fra", "deu"] {
            #expect(cache.caller(session: Data(token.utf8), now: clock.now()) == nil)
        }
        for id in ["FRA-TEC-1", "DEU-DIP-1", "KOR-TEC-1"] {
            #expect(cache.caller(poc: id) == nil)
        }
    }

    @Test("past maxSessions the session table starts again empty")
    func maxSessionsBound() throws {
        let clock = TestClock()
        let cache = CallerCache(interval: .milliseconds(250), maxSessions: 3)
        let expires = clock.now().addingTimeInterval(3600)
        let callers = try (1...4).map { try testCaller("FRA-TEC-\($0)") }
        for (index, caller) in callers.enumerated() {
            cache.remember(session: Data("token-\(index)".utf8), caller: caller, expiresAt: expires, generation: cache.generation)
        }
        let held = (0..<4).filter { cache.caller(session: Data("token-\($0)".utf8), now: clock.now()) != nil }
        #expect(held == [3])
        // POCs by id are not bounded by the session limit.
        for caller in callers { #expect(cache.caller(poc: caller.pocID.rawValue) == caller) }
    }
}

/// A caller with a fresh identity key.
func testCaller(_ id: String, state: String = "FRA", role: Role = .technical) throws -> Caller {
    Caller(pocID: try POCID(id), state: try StateCode(state), role: role, signingKey: SigningKeyPair().publicKey)
}

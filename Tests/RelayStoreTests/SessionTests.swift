import Foundation
import RelayProtocol
import RelayStore
import Testing

@Suite("Sessions, challenges and token hashes")
struct SessionTests {
    @Test("a session finds its POC until it expires")
    func sessionLookupAndExpiry() async throws {
        try await withStore { store, _ in
            let poc = try await enrol(store, state: "FRA", role: .technical)
            let tokenHash = randomBytes(32)
            let expiry = t0.addingTimeInterval(3600)
            try await store.createSession(tokenHash: tokenHash, pocID: poc.id, expiresAt: expiry, now: t0)
            #expect(try await store.sessionPOC(tokenHash: tokenHash, now: t0)?.id == poc.id)
            #expect(try await store.sessionPOC(tokenHash: tokenHash, now: expiry.addingTimeInterval(-1))?.id == poc.id)
            #expect(try await store.sessionPOC(tokenHash: tokenHash, now: expiry) == nil)
            #expect(try await store.sessionPOC(tokenHash: randomBytes(32), now: t0) == nil)

            let duplicate = await #expect(throws: StoreError.self) {
                try await store.createSession(tokenHash: tokenHash, pocID: poc.id, expiresAt: expiry, now: t0)
            }
            #expect(duplicate?.code == .duplicate)
            let unknown = await #expect(throws: StoreError.self) {
                try await store.createSession(tokenHash: randomBytes(32), pocID: "NOBODY", expiresAt: expiry, now: t0)
            }
            #expect(unknown?.code == .notFound)

            #expect(try await store.purgeExpiredSessions(now: expiry.addingTimeInterval(-1)) == 0)
            #expect(try await store.purgeExpiredSessions(now: expiry) == 1)

            let other = randomBytes(32)
            try await store.createSession(tokenHash: other, pocID: poc.id, expiresAt: expiry, now: t0)
            try await store.deleteSession(tokenHash: other)
            #expect(try await store.sessionPOC(tokenHash: other, now: t0) == nil)
        }
    }

    @Test("revoking a POC kills its sessions at once and refuses new ones")
    func revokeKillsSessions() async throws {
        try await withStore { store, _ in
            let victim = try await enrol(store, state: "FRA", role: .technical)
            let bystander = try await enrol(store, state: "DEU", role: .technical)
            let expiry = t0.addingTimeInterval(3600)
            let victimToken = randomBytes(32)
            let bystanderToken = randomBytes(32)
            try await store.createSession(tokenHash: victimToken, pocID: victim.id, expiresAt: expiry, now: t0)
            try await store.createSession(tokenHash: bystanderToken, pocID: bystander.id, expiresAt: expiry, now: t0)

            try await store.revoke(pocID: victim.id, now: t0.addingTimeInterval(1))
            #expect(try await store.sessionPOC(tokenHash: victimToken, now: t0.addingTimeInterval(2)) == nil)
            #expect(try await store.sessionPOC(tokenHash: bystanderToken, now: t0.addingTimeInterval(2))?.id == bystander.id)
            // Only the bystander's session row is left.
            #expect(try await store.purgeExpiredSessions(now: expiry) == 1)

            let error = await #expect(throws: StoreError.self) {
                try await store.createSession(tokenHash: randomBytes(32), pocID: victim.id, expiresAt: expiry, now: t0)
            }
            #expect(error?.code == .notFound)
        }
    }

    @Test("a challenge works once, for its id, before it expires")
    func challengeSingleUse() async throws {
        try await withStore { store, _ in
            let poc = try await enrol(store, state: "FRA", role: .technical)
            let expiry = t0.addingTimeInterval(60)
            let challenge = randomBytes(32)
            try await store.createChallenge(challenge: challenge, pocID: poc.id, expiresAt: expiry)
            #expect(try await store.consumeChallenge(challenge: challenge, pocID: "DEU-TEC-1", now: t0) == false)
            #expect(try await store.consumeChallenge(challenge: challenge, pocID: poc.id, now: t0) == true)
            #expect(try await store.consumeChallenge(challenge: challenge, pocID: poc.id, now: t0) == false)
            #expect(try await store.consumeChallenge(challenge: randomBytes(32), pocID: poc.id, now: t0) == false)

            let late = randomBytes(32)
            try await store.createChallenge(challenge: late, pocID: poc.id, expiresAt: expiry)
            #expect(try await store.consumeChallenge(challenge: late, pocID: poc.id, now: expiry) == false)

            // Challenges for unknown ids are stored (the relay answers them alike).
            try await store.createChallenge(challenge: randomBytes(32), pocID: "NOT-ENROLLED", expiresAt: expiry)
            let duplicate = await #expect(throws: StoreError.self) {
                try await store.createChallenge(challenge: challenge, pocID: poc.id, expiresAt: expiry)
            }
            #expect(duplicate?.code == .duplicate)

            // Expired ones go at the sweep: the three above (used, unused, unknown id); a live one stays.
            let live = randomBytes(32)
            try await store.createChallenge(challenge: live, pocID: poc.id, expiresAt: expiry.addingTimeInterval(60))
            #expect(try await store.purgeExpiredChallenges(now: expiry.addingTimeInterval(-1)) == 0)
            #expect(try await store.purgeExpiredChallenges(now: expiry) == 3)
            #expect(try await store.consumeChallenge(challenge: live, pocID: poc.id, now: expiry) == true)
        }
    }

    @Test("token hashes reach the file; tokens never do")
    func tokenHashStoredNotToken() async throws {
        try await withTemporaryDirectory { directory in
            // The server hashes; the store only ever receives the hash.
            let inviteToken = Data("INVITE-TOKEN-MARKER-\(UUID().uuidString)".utf8)
            let sessionToken = Data("SESSION-TOKEN-MARKER-\(UUID().uuidString)".utf8)
            let inviteHash = Data(inviteToken.reversed())
            let sessionHash = Data(sessionToken.reversed())

            let store = try RelayStore(path: storePath(in: directory))
            try await store.createInvite(
                tokenHash: inviteHash, state: "FRA", role: .technical, expiresAt: t0.addingTimeInterval(60), now: t0)
            let poc = try await store.redeemInvite(tokenHash: inviteHash, now: t0, newPOC: newPOC())
            try await store.createSession(
                tokenHash: sessionHash, pocID: poc.id, expiresAt: t0.addingTimeInterval(60), now: t0)
            try store.close()

            let bytes = try storeFileBytes(in: directory)
            #expect(bytes.range(of: inviteHash) != nil)
            #expect(bytes.range(of: sessionHash) != nil)
            #expect(bytes.range(of: inviteToken) == nil)
            #expect(bytes.range(of: sessionToken) == nil)
        }
    }
}

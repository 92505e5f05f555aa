import Foundation
import RelayProtocol
import RelayStore
import Testing

@Suite("Retention")
struct RetentionTests {
    @Test("expired bodies and wrapped keys go; metadata stays")
    func deleteExpiredBodies() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical).id
            let b = try await enrol(store, state: "DEU", role: .technical).id
            _ = try await store.submit(
                envelope: envelope(id: "soon", from: a, to: [b], expiresAt: t0.addingTimeInterval(100)), now: t0)
            _ = try await store.submit(
                envelope: envelope(id: "later", from: a, to: [b], expiresAt: t0.addingTimeInterval(1000)), now: t0)

            #expect(try await store.deleteExpiredBodies(now: t0.addingTimeInterval(99)) == 0)
            #expect(try await store.deleteExpiredBodies(now: t0.addingTimeInterval(100)) == 1)
            #expect(try await store.deleteExpiredBodies(now: t0.addingTimeInterval(100)) == 0)

            #expect(try await store.fetchInbox(recipient: b, limit: 10, now: t0).map(\.id) == ["later"])
            #expect(try await store.bodyDigestForReceipt(messageID: "soon", recipient: b) == nil)
            let status = try #require(try await store.messageStatus(id: "soon"))
            #expect(status.bodyDeletedAt == t0.addingTimeInterval(100))
            #expect(status.recipients.map(\.pocID) == [b])
            #expect(try await store.integrityCheck() == "ok")
        }
    }

    @Test("old metadata is purged, recent metadata kept")
    func purgeMetadata() async throws {
        try await withStore { store, _ in
            let a = try await enrol(store, state: "FRA", role: .technical).id
            let b = try await enrol(store, state: "DEU", role: .technical).id
            let cutoff = t0.addingTimeInterval(1000)
            let recent = cutoff.addingTimeInterval(10)

            // Old: 1 envelope + 1 delivery, 1 campaign + 1 ping, 1 challenge, 1 session,
            // 1 used invite, 1 expired unused invite. The 2 invites used by enrol are old too.
            _ = try await store.submit(envelope: envelope(id: "old", from: a, to: [b]), now: t0)
            try await store.startCampaign(
                campaignID: "c-old", issuedAt: t0, deadline: t0.addingTimeInterval(10),
                pings: [NewPing(pingID: "p-old", pocID: a, challenge: randomBytes(32))])
            try await store.createChallenge(challenge: randomBytes(32), pocID: a, expiresAt: t0)
            try await store.createSession(tokenHash: randomBytes(32), pocID: a, expiresAt: t0.addingTimeInterval(1), now: t0)
            try await store.createInvite(
                tokenHash: randomBytes(32), state: "ITA", role: .technical, expiresAt: t0.addingTimeInterval(5), now: t0)

            // Recent: kept.
            _ = try await store.submit(envelope: envelope(id: "new", from: a, to: [b]), now: recent)
            try await store.startCampaign(
                campaignID: "c-new", issuedAt: recent, deadline: recent.addingTimeInterval(10),
                pings: [NewPing(pingID: "p-new", pocID: a, challenge: randomBytes(32))])
            let liveChallenge = randomBytes(32)
            try await store.createChallenge(challenge: liveChallenge, pocID: a, expiresAt: recent)
            let liveSession = randomBytes(32)
            try await store.createSession(tokenHash: liveSession, pocID: a, expiresAt: recent, now: t0)
            let liveInvite = randomBytes(32)
            try await store.createInvite(
                tokenHash: liveInvite, state: "ITA", role: .technical, expiresAt: recent, now: t0)

            // 2 envelope rows + 2 ping rows + 1 challenge + 1 session + 3 invites.
            #expect(try await store.purgeMetadata(olderThan: cutoff) == 9)
            #expect(try await store.purgeMetadata(olderThan: cutoff) == 0)

            #expect(try await store.messageStatus(id: "old") == nil)
            #expect(try await store.messageStatus(id: "new") != nil)
            #expect(try await store.ping(id: "p-old") == nil)
            #expect(try await store.ping(id: "p-new") != nil)
            #expect(try await store.campaigns().map(\.campaignID) == ["c-new"])
            #expect(try await store.consumeChallenge(challenge: liveChallenge, pocID: a, now: t0))
            #expect(try await store.sessionPOC(tokenHash: liveSession, now: t0)?.id == a)
            #expect(try await store.redeemInvite(tokenHash: liveInvite, now: t0, newPOC: newPOC()).id == "ITA-TEC-1")
            #expect(try await store.allPOCs().count == 3)
            #expect(try await store.integrityCheck() == "ok")
        }
    }
}

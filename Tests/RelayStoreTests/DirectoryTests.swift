import Foundation
import RelayProtocol
import RelayStore
import Testing

@Suite("Invites, POCs and the directory")
struct DirectoryTests {
    @Test("an invite works once, then answers inviteInvalid")
    func inviteOnce() async throws {
        try await withStore { store, _ in
            let tokenHash = randomBytes(32)
            try await store.createInvite(
                tokenHash: tokenHash, state: "FRA", role: .technical, expiresAt: t0.addingTimeInterval(60), now: t0)
            let poc = try await store.redeemInvite(tokenHash: tokenHash, now: t0, newPOC: newPOC())
            #expect(poc.id == "FRA-TEC-1")
            #expect(poc.state == "FRA" && poc.role == .technical && poc.isActive)
            #expect(poc.createdAt == t0 && poc.revokedAt == nil)

            let error = await #expect(throws: StoreError.self) {
                try await store.redeemInvite(tokenHash: tokenHash, now: t0, newPOC: newPOC())
            }
            #expect(error?.code == .inviteInvalid)
            #expect(try await store.allPOCs().count == 1)
        }
    }

    @Test("expired and unknown invites answer inviteInvalid")
    func inviteExpiredOrUnknown() async throws {
        try await withStore { store, _ in
            let tokenHash = randomBytes(32)
            try await store.createInvite(
                tokenHash: tokenHash, state: "FRA", role: .technical, expiresAt: t0.addingTimeInterval(60), now: t0)
            let expired = await #expect(throws: StoreError.self) {
                try await store.redeemInvite(tokenHash: tokenHash, now: t0.addingTimeInterval(60), newPOC: newPOC())
            }
            #expect(expired?.code == .inviteInvalid)
            let unknown = await #expect(throws: StoreError.self) {
                try await store.redeemInvite(tokenHash: randomBytes(32), now: t0, newPOC: newPOC())
            }
            #expect(unknown?.code == .inviteInvalid)
            // One second before expiry it still works.
            let poc = try await store.redeemInvite(
                tokenHash: tokenHash, now: t0.addingTimeInterval(59), newPOC: newPOC())
            #expect(poc.id == "FRA-TEC-1")
        }
    }

    @Test("invites refuse malformed states and reused hashes")
    func inviteValidation() async throws {
        try await withStore { store, _ in
            let later = t0.addingTimeInterval(60)
            for state in ["fr", "fra", "FRAN"] {
                let error = await #expect(throws: StoreError.self) {
                    try await store.createInvite(
                        tokenHash: randomBytes(32), state: state, role: .technical, expiresAt: later, now: t0)
                }
                #expect(error?.code == .invalidArgument)
            }
            let tokenHash = randomBytes(32)
            try await store.createInvite(tokenHash: tokenHash, state: "FRA", role: .technical, expiresAt: later, now: t0)
            let error = await #expect(throws: StoreError.self) {
                try await store.createInvite(
                    tokenHash: tokenHash, state: "DEU", role: .technical, expiresAt: later, now: t0)
            }
            #expect(error?.code == .duplicate)
        }
    }

    @Test("a signing key enrols once; the refused invite stays usable")
    func signingKeyUnique() async throws {
        try await withStore { store, _ in
            let key = randomBytes(32)
            let first = randomBytes(32)
            let second = randomBytes(32)
            for hash in [first, second] {
                try await store.createInvite(
                    tokenHash: hash, state: "FRA", role: .technical, expiresAt: t0.addingTimeInterval(60), now: t0)
            }
            _ = try await store.redeemInvite(tokenHash: first, now: t0, newPOC: newPOC(signingKey: key))
            let error = await #expect(throws: StoreError.self) {
                try await store.redeemInvite(tokenHash: second, now: t0, newPOC: newPOC(signingKey: key))
            }
            #expect(error?.code == .duplicate)
            let poc = try await store.redeemInvite(tokenHash: second, now: t0, newPOC: newPOC())
            #expect(poc.id == "FRA-TEC-2")
        }
    }

    @Test("ids are allocated per state and role, custodians apart, never reused")
    func idAllocation() async throws {
        try await withStore { store, _ in
            var ids: [String] = []
            for (state, role) in [
                ("FRA", Role.technical), ("FRA", .technical), ("FRA", .diplomatic), ("UNO", .custodian),
                ("FRA", .custodian), ("DEU", .technical),
            ] {
                ids.append(try await enrol(store, state: state, role: role).id)
            }
            #expect(ids == ["FRA-TEC-1", "FRA-TEC-2", "FRA-DIP-1", "CUSTODIAN-1", "CUSTODIAN-2", "DEU-TEC-1"])
            try await store.revoke(pocID: "FRA-TEC-2", now: t0)
            #expect(try await enrol(store, state: "FRA", role: .technical).id == "FRA-TEC-3")

            let states = try await store.listStates()
            #expect(states.map(\.code) == ["DEU", "FRA", "UNO"])
            let fra = try #require(states.first { $0.code == "FRA" })
            #expect(fra.activeTechnical == 2 && fra.activeDiplomatic == 1 && fra.activeCustodian == 1)
            let uno = try #require(states.first { $0.code == "UNO" })
            #expect(uno.activeTechnical == 0 && uno.activeCustodian == 1 && uno.joinedAt == t0)
        }
    }

    @Test("every entry change bumps the directory version once; key events are logged")
    func directoryVersionAndEvents() async throws {
        try await withStore { store, _ in
            #expect(try await store.directoryVersion() == 0)
            let poc = try await enrol(store, state: "FRA", role: .technical)
            #expect(try await store.directoryVersion() == 1)

            let t1 = t0.addingTimeInterval(10)
            let updated = try await store.updateEntry(pocID: poc.id, entryJSON: #"{"entity":"CERT-FR"}"#, now: t1)
            #expect(updated.entryJSON == #"{"entity":"CERT-FR"}"# && updated.updatedAt == t1)
            #expect(updated.boxKey == poc.boxKey)
            #expect(try await store.directoryVersion() == 2)

            let newBox = randomBytes(32)
            let newSignature = randomBytes(64)
            let rotated = try await store.rotateBoxKey(
                pocID: poc.id, boxKey: newBox, keyCreatedAt: "2026-12-01T00:00:00Z", keySignature: newSignature,
                now: t1)
            #expect(rotated.boxKey == newBox && rotated.keySignature == newSignature)
            #expect(rotated.keyCreatedAt == "2026-12-01T00:00:00Z" && rotated.signingKey == poc.signingKey)
            #expect(try await store.directoryVersion() == 3)

            let revoked = try await store.revoke(pocID: poc.id, now: t1)
            #expect(revoked.status == .revoked && revoked.revokedAt == t1)
            #expect(try await store.directoryVersion() == 4)
            #expect(try await store.revoke(pocID: poc.id, now: t1.addingTimeInterval(5)).revokedAt == t1)
            #expect(try await store.directoryVersion() == 4)

            let error = await #expect(throws: StoreError.self) {
                try await store.updateEntry(pocID: poc.id, entryJSON: "{}", now: t1)
            }
            #expect(error?.code == .notFound)
            let unknown = await #expect(throws: StoreError.self) {
                try await store.revoke(pocID: "NOBODY", now: t1)
            }
            #expect(unknown?.code == .notFound)
            #expect(try await store.directoryVersion() == 4)

            let events = try await store.keyEvents(pocID: poc.id)
            #expect(events.map(\.kind) == [.enrol, .update, .rotate, .revoke])
            #expect(events.map(\.boxKey) == [poc.boxKey, nil, newBox, nil])

            let snapshot = try await store.directorySnapshot()
            #expect(snapshot.version == 4 && snapshot.entries == [revoked])
            #expect(try await store.activePOCs().isEmpty)
        }
    }

    @Test("active POCs are sorted by id in byte order and exclude revoked ones")
    func activeSorted() async throws {
        try await withStore { store, _ in
            try await enrol(store, state: "FRA", role: .technical)
            try await enrol(store, state: "DEU", role: .diplomatic)
            try await enrol(store, state: "UNO", role: .custodian)
            let gone = try await enrol(store, state: "BEL", role: .technical)
            try await store.revoke(pocID: gone.id, now: t0)
            #expect(try await store.activePOCs().map(\.id) == ["CUSTODIAN-1", "DEU-DIP-1", "FRA-TEC-1"])
            #expect(try await store.allPOCs().map(\.id) == ["BEL-TEC-1", "CUSTODIAN-1", "DEU-DIP-1", "FRA-TEC-1"])
            #expect(try await store.poc(id: "NOBODY") == nil)
        }
    }
}

import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

/// Liveness pings (docs/protocol.md section 7) through a live HTTPS relay.
@Suite("Liveness pings over HTTPS", .timeLimit(.minutes(1)))
struct PingTests {
    /// The relay's signing key as a client pins it, from `GET /v1/relay`.
    static func pinnedKey(_ api: RelayAPIClient) async throws -> SigningPublicKey {
        try SigningPublicKey(rawRepresentation: try await api.relayInfo().signingKey.data)
    }

    /// Status of each POC's ping in `campaignID`.
    static func statuses(_ audit: PingAudit, _ campaignID: String) throws -> [String: PingStatus] {
        let campaign = try #require(audit.campaigns.first { $0.campaignID == campaignID })
        return Dictionary(uniqueKeysWithValues: campaign.pings.map { ($0.pocID.rawValue, $0.status) })
    }

    @Test("pending before the deadline; answered on time, late, missed after it; missed states listed for follow-up")
    func campaignStatuses() async throws {
        try await withTemporaryDirectory { directory in
            let clock = TestClock()
            try await withRelay(dataDirectory: directory.path, clock: clock) { relay, api in
                let prompt = try await relay.enrol("FRA", .technical, api: api)
                let tardy = try await relay.enrol("DEU", .diplomatic, api: api)
                let silent = try await relay.enrol("BRA", .technical, api: api)
                let custodian = try await relay.enrol("UNO", .custodian, api: api)
                // Log everyone in before the clock starts, so the on-time answer is not slowed by a login.
                for poc in [prompt, tardy, silent, custodian] { _ = try await poc.session.token() }
                let relayKey = try await Self.pinnedKey(api)

                // The test clock crosses the deadline: no sleeping, no race with a loaded machine.
                let campaign = try await relay.service.startCampaign(deadline: 5)
                #expect(campaign.pinged == 3, "custodians are not pinged")

                // In process first (fast), so the on-time answer below comes well before the deadline.
                let before = try await relay.service.pingAudit(for: nil)
                #expect(
                    try Self.statuses(before, campaign.campaignID)
                        == [prompt.id.rawValue: .pending, tardy.id.rawValue: .pending, silent.id.rawValue: .pending])
                #expect(before.followUp.isEmpty)

                let pings = try await prompt.session.pings()
                #expect(pings.count == 1)
                let ping = try #require(pings.first)
                #expect(ping.campaignID == campaign.campaignID)
                #expect(ping.isSigned(by: relayKey, for: prompt.id))
                #expect(!ping.isSigned(by: relayKey, for: tardy.id), "a ping is bound to its POC")
                #expect(ping.deadline.secondsSince1970 - ping.issuedAt.secondsSince1970 == 5)
                let answer = try await prompt.session.answer(ping, relayKey: relayKey)
                #expect(answer.onTime)
                #expect(answer.answeredAt <= ping.deadline)
                #expect(try await prompt.session.pings().isEmpty, "an answered ping stays listed")
                // Answering again repeats the first answer.
                #expect(try await prompt.session.answer(ping, relayKey: relayKey) == answer)

                let tardyPing = try #require(try await tardy.session.pings().first)
                let silentPing = try #require(try await silent.session.pings().first)
                #expect(tardyPing.isSigned(by: relayKey, for: tardy.id))
                #expect(silentPing.isSigned(by: relayKey, for: silent.id))

                let middle = try await custodian.session.auditPings()
                #expect(
                    try Self.statuses(middle, campaign.campaignID)
                        == [prompt.id.rawValue: .answered, tardy.id.rawValue: .pending, silent.id.rawValue: .pending])
                #expect(middle.followUp.isEmpty, "no follow-up before the deadline")
                #expect(try await custodian.session.pings().isEmpty)

                clock.advance(past: tardyPing.deadline.date, by: 2)
                let lateAnswer = try await tardy.session.answer(tardyPing, relayKey: relayKey)
                #expect(!lateAnswer.onTime)
                #expect(lateAnswer.answeredAt > tardyPing.deadline)

                let after = try await custodian.session.auditPings()
                #expect(
                    try Self.statuses(after, campaign.campaignID)
                        == [prompt.id.rawValue: .answered, tardy.id.rawValue: .late, silent.id.rawValue: .missed])
                #expect(after.followUp == [PingAudit.FollowUp(state: silent.state, pocIDs: [silent.id])])
                let rows = try #require(after.campaigns.first { $0.campaignID == campaign.campaignID }).pings
                let promptRow = try #require(rows.first { $0.pocID == prompt.id })
                #expect(promptRow.answeredAt == answer.answeredAt)
                #expect(promptRow.state == prompt.state && promptRow.role == .technical)
                #expect((0...5).contains(promptRow.latencyS ?? -1))
                #expect(rows.first { $0.pocID == silent.id }?.answeredAt == nil)
                let compliance = Dictionary(uniqueKeysWithValues: after.compliance.map { ($0.state.rawValue, [$0.pinged, $0.answeredOnTime]) })
                #expect(compliance == ["FRA": [1, 1], "DEU": [1, 0], "BRA": [1, 0]])

                // A missed ping can still be answered, late.
                #expect(try await silent.session.pings().map(\.pingID) == [silentPing.pingID])

                // The directory shows each POC's last ping.
                let entries = try await custodian.session.directory().entries
                let lastPing = Dictionary(uniqueKeysWithValues: entries.map { ($0.pocID.rawValue, $0.lastPing?.status) })
                #expect(lastPing[prompt.id.rawValue] == .answered)
                #expect(lastPing[tardy.id.rawValue] == .late)
                #expect(lastPing[silent.id.rawValue] == .missed)
                #expect(lastPing[custodian.id.rawValue] == .some(nil))
            }
        }
    }

    @Test("wrong-key answer 422, another POC's ping 404, unknown ping 404, forged ping refused, audit 403 for non-custodians")
    func refusals() async throws {
        try await withTemporaryDirectory { directory in
            try await withRelay(dataDirectory: directory.path) { relay, api in
                let alice = try await relay.enrol("FRA", .technical, api: api)
                let bob = try await relay.enrol("DEU", .technical, api: api)
                let custodian = try await relay.enrol("UNO", .custodian, api: api)
                let relayKey = try await Self.pinnedKey(api)
                _ = try await relay.service.startCampaign()
                let ping = try #require(try await alice.session.pings().first)
                let bobPing = try #require(try await bob.session.pings().first)

                // Signed by a key that is not Alice's.
                let stranger = SigningKeyPair()
                await expectStatus(422) {
                    try await alice.session.answerPing(
                        id: ping.pingID, signature: PingAnswer.sign(pingID: ping.pingID, challenge: ping.challenge.data, identity: stranger))
                }
                // Alice's key over another challenge.
                await expectStatus(422) {
                    try await alice.session.answerPing(
                        id: ping.pingID,
                        signature: PingAnswer.sign(pingID: ping.pingID, challenge: bobPing.challenge.data, identity: alice.identity))
                }
                // Bob answering Alice's ping, correctly signed with his own key: not his.
                await expectStatus(404) {
                    try await bob.session.answerPing(
                        id: ping.pingID, signature: PingAnswer.sign(pingID: ping.pingID, challenge: ping.challenge.data, identity: bob.identity))
                }
                // Bob answering Alice's ping with Alice's valid signature (a replay): still not his.
                await expectStatus(404) {
                    try await bob.session.answerPing(
                        id: ping.pingID, signature: PingAnswer.sign(pingID: ping.pingID, challenge: ping.challenge.data, identity: alice.identity))
                }
                await expectStatus(404) {
                    try await alice.session.answerPing(
                        id: "ping-0000000000000000",
                        signature: PingAnswer.sign(pingID: "ping-0000000000000000", challenge: ping.challenge.data, identity: alice.identity))
                }
                // None of that counted as an answer.
                #expect(try await alice.session.pings().map(\.pingID) == [ping.pingID])

                // A ping signed by another key, or altered, fails the check and is never sent.
                let forged = Ping.issue(
                    pingID: ping.pingID, campaignID: ping.campaignID, pocID: alice.id, issuedAt: ping.issuedAt, deadline: ping.deadline,
                    challenge: ping.challenge.data, relayKey: SigningKeyPair())
                #expect(!forged.isSigned(by: relayKey, for: alice.id))
                var stretched = ping
                stretched.deadline = ping.deadline.adding(seconds: 86_400)
                #expect(!stretched.isSigned(by: relayKey, for: alice.id))
                do {
                    _ = try await alice.session.answer(forged, relayKey: relayKey)
                    Issue.record("a forged ping was answered")
                } catch let error as RelayClientError {
                    guard case .badResponse = error.kind else {
                        Issue.record("expected badResponse, got \(error)")
                        return
                    }
                }
                #expect(try await alice.session.pings().map(\.pingID) == [ping.pingID], "the forged ping must not have been answered")
                #expect(try await alice.session.answer(ping, relayKey: relayKey).onTime)

                // The audits are the custodian's: 403 problem+json for others, 401 without a token.
                for path in ["/v1/audit/pings", "/v1/audit/delivery"] {
                    let token = try await bob.session.token()
                    let answer = try await api.http.send(
                        method: "GET", path: path, body: nil, headers: [("Authorization", "Bearer \(token)")], timeout: .seconds(10))
                    #expect(answer.status == 403, "\(path)")
                    #expect(answer.mediaType == "application/problem+json", "\(path)")
                    let problem = try WireJSON.decode(Problem.self, from: answer.body)
                    #expect(problem.status == 403)
                    #expect(!problem.detail.isEmpty)
                    let anonymous = try await api.http.send(method: "GET", path: path, body: nil, timeout: .seconds(10))
                    #expect(anonymous.status == 401, "\(path)")
                    #expect(anonymous.mediaType == "application/problem+json", "\(path)")
                }
                await expectStatus(403) { try await bob.session.auditPings() }
                let audit = try await custodian.session.auditPings()
                #expect(audit.campaigns.count == 1)
            }
        }
    }
}

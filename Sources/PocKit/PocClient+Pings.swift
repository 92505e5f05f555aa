import Foundation
import RelayClient
public import RelayProtocol
import Sodium

/// A pending ping and whether the pinned relay key signed it.
public struct PendingPing: Sendable {
    public let ping: Ping
    /// False for a forged ping: show it as forged, never answer it.
    public let genuine: Bool
}

extension PocClient {
    /// Pending pings, each checked against the pinned relay key.
    public func pendingPings() async throws(PocError) -> [PendingPing] {
        let pings = try await relay { try await session.pings() }
        let relayKey = try profile.relayKey
        return pings.map { PendingPing(ping: $0, genuine: $0.isSigned(by: relayKey, for: me)) }
    }

    /// Answers ping `id` after checking the relay's signature; records the answer.
    /// - Throws: 65 for a forged ping, which is never answered.
    public func answerPing(_ id: String) async throws(PocError) -> PingAnswerResponse {
        guard let pending = try await pendingPings().first(where: { $0.ping.pingID == id }) else {
            throw PocError("no pending ping \(id)", hint: "see `poc pings`")
        }
        guard pending.genuine else {
            throw PocError("ping \(id) is FORGED: it is not signed by the pinned relay key; not answering it", status: .dataError)
        }
        let relayKey = try profile.relayKey
        let answer = try await relay { try await session.answer(pending.ping, relayKey: relayKey) }
        try record.put(
            .ping, id: id, at: answer.answeredAt,
            RecordedPing(
                pingID: id, campaignID: pending.ping.campaignID, issuedAt: pending.ping.issuedAt, deadline: pending.ping.deadline,
                answeredAt: answer.answeredAt, onTime: answer.onTime))
        return answer
    }
}

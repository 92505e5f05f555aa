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
    /// - Throws: 65 for a forged ping, which is never answered; 1 for a ping
    ///   neither pending nor answered from this home.
    public func answerPing(_ id: String) async throws(PocError) -> PingAnswerResponse {
        switch try await answerPingOnce(id) {
        case .answered(let answer): return answer
        case .alreadyAnswered(let recorded):
            throw PocError("ping \(id) was already answered at \(recorded.answeredAt)", hint: "see `poc log`")
        }
    }

    /// What answering a ping did.
    public enum PingAnswerOutcome: Sendable {
        /// Answered now, with the relay's answer.
        case answered(PingAnswerResponse)
        /// Answered before from this home, as the record holds it; nothing was sent.
        case alreadyAnswered(RecordedPing)
    }

    /// Answers ping `id` as ``answerPing(_:)`` does, or, when it is no longer
    /// pending and this home's record holds its answer, returns that answer
    /// (answering twice is not a mistake to report).
    /// - Throws: 65 for a forged ping; 64 for a ping neither pending nor answered here (an unknown id).
    public func answerPingOnce(_ id: String) async throws(PocError) -> PingAnswerOutcome {
        guard let pending = try await pendingPings().first(where: { $0.ping.pingID == id }) else {
            if let recorded = try record.get(.ping, id: id, as: RecordedPing.self) { return .alreadyAnswered(recorded) }
            throw PocError("no pending ping \(id)", hint: "see `poc pings` for the pings waiting for an answer", status: .usage)
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
        return .answered(answer)
    }
}

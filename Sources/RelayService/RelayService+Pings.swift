public import Foundation
import Logging
public import RelayProtocol
import RelayStore
import Sodium

extension RelayService {
    /// `GET /v1/pings`: the caller's unanswered pings, signed by the relay.
    public func pings(for caller: Caller) async throws(RelayFailure) -> [Ping] {
        let records = try await storeCall("pings") { try await store.pendingPings(pocID: caller.pocID.rawValue) }
        return records.map { record in
            Ping.issue(
                pingID: record.pingID, campaignID: record.campaignID, pocID: caller.pocID, issuedAt: Timestamp(record.issuedAt),
                deadline: Timestamp(record.deadline), challenge: record.challenge, relayKey: relayKey)
        }
    }

    /// `POST /v1/pings/{id}/answer`: records the caller's signed answer.
    /// - Throws: 404 unless the ping is the caller's; 422 for a signature that does not verify.
    public func answerPing(id: String, signature: Data, from caller: Caller) async throws(RelayFailure) -> PingAnswerResponse {
        let record = try await storeCall("ping") { try await store.ping(id: id) }
        guard let record, record.pocID == caller.pocID.rawValue else { throw .notFound }
        guard PingAnswer.isValid(signature, pingID: record.pingID, challenge: record.challenge, key: caller.signingKey) else {
            throw .unprocessable("The answer signature does not verify: sign \"POCRELAY-PONG-V1\\n\" || ping_id || \"\\n\" || challenge.")
        }
        let outcome = try await storeCall("answer ping") {
            try await store.answerPing(pingID: id, pocID: caller.pocID.rawValue, signature: signature, now: now)
        }
        switch outcome {
        case .answered(let at, let onTime), .alreadyAnswered(let at, let onTime):
            logger.info("ping answered", metadata: ["ping_id": "\(id)", "poc_id": "\(caller.pocID)", "on_time": "\(onTime)"])
            return PingAnswerResponse(answeredAt: Timestamp(at), onTime: onTime)
        case .notFound:
            throw .notFound
        }
    }

    /// Starts a ping campaign: one ping per active diplomatic and technical POC.
    /// - Parameter deadline: Seconds to answer; the configured 48 h by default.
    /// - Returns: The campaign id and how many POCs were pinged.
    public func startCampaign(deadline: Int64? = nil) async throws(RelayFailure) -> (campaignID: String, pinged: Int) {
        let issued = Timestamp(now)
        let due = issued.adding(seconds: deadline ?? configuration.pingDeadline)
        let campaignID = "campaign-\(issued.description.filter(\.isNumber))-\(SecureRandom.bytes(count: 3).lowercaseHex)"
        let pocs = try await storeCall("pingable POCs") { try await store.activePingablePOCs() }
        let pings = pocs.map {
            NewPing(pingID: "ping-\(SecureRandom.bytes(count: 8).lowercaseHex)", pocID: $0.id, challenge: SecureRandom.bytes(count: 32))
        }
        try await storeCall("start campaign") {
            try await store.startCampaign(campaignID: campaignID, issuedAt: issued.date, deadline: due.date, pings: pings)
        }
        logger.info("ping campaign started", metadata: ["campaign_id": "\(campaignID)", "pinged": "\(pings.count)"])
        return (campaignID, pings.count)
    }
}

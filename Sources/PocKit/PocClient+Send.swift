import Foundation
import RelayClient
public import RelayProtocol
import Sodium

/// What became of a message the POC sent.
public enum SendOutcome: Sendable {
    /// The relay stored it durably.
    case accepted(SubmitResponse)
    /// The relay could not be reached: sealed and kept in the outbox for `poc sync`.
    case queued(reason: String)
}

extension PocClient {
    /// Resolves `--to` ids or `--state/--role` to recipients.
    public func recipients(to ids: [POCID], state: StateCode?, role: Role?, in directory: VerifiedDirectory) throws(PocError) -> [POCID] {
        if !ids.isEmpty { return ids }
        let matches = directory.entries.filter {
            $0.status == .active && $0.pocID != me && (state == nil || $0.state == state) && (role == nil || $0.role == role)
        }
        guard !matches.isEmpty else { throw PocError("no active POC matches the recipients given", status: .usage) }
        return matches.map(\.pocID)
    }

    /// Seals `inner` to its recipients, records it, and submits it; when the
    /// relay is unreachable the sealed envelope waits in the outbox.
    ///
    /// The sealed body is checked against the relay's advertised limits
    /// (``MessageSizeRule``) before anything is recorded. Confirming a
    /// broadcast (``BroadcastCheck``) is the caller's part: ask before sending.
    public func send(_ inner: InnerMessage) async throws(PocError) -> SendOutcome {
        let (boxKeys, parties) = try await recipientKeysAndParties(inner.to)
        for recipient in inner.to {
            guard let party = parties[recipient] else { continue }
            guard RoutingRule.permits(from: .init(state: state, role: role), to: party) else {
                throw PocError(
                    "the routing rule does not let a \(role) POC of \(state) write to \(recipient) (\(party.role), \(party.state))",
                    hint: "diplomatic to diplomatic and technical to technical across states; any role within a state; custodians with all",
                    status: .usage)
            }
        }
        let innerBytes: Data
        do { innerBytes = try inner.serialized() } catch { throw PocError("cannot encode the message") }
        let envelope: Envelope
        var signed: Data
        do {
            (envelope, signed) = try Envelope.sealKeepingSigned(
                innerBytes: innerBytes, id: inner.id, from: me, to: inner.to, urgency: inner.urgency, exercise: inner.exercise,
                signer: keys.identity, recipientKeys: boxKeys)
        } catch {
            throw PocError("cannot seal the message: \(error)")
        }
        defer { SecretBytes.zero(&signed) }
        try MessageSizeRule.check(bodyBytes: envelope.body.count, of: inner, limits: await relayLimits())
        let now = Timestamp.now()
        let entry = RecordedMessage(
            direction: .sent, signed: signed, bodyDigest: SHA256.hash(envelope.body).lowercaseHex, acceptedAt: nil, recordedAt: now,
            receiptSent: false)
        try record.put(.message, id: inner.id.rawValue, at: now, entry)
        try record.put(.outbox, id: inner.id.rawValue, at: now, envelope)
        return try await submitFromOutbox(envelope)
    }

    /// Recipients' keys from the verified directory; when the relay is
    /// unreachable, from the pins, so a message can still be sealed and queued.
    func recipientKeysAndParties(_ ids: [POCID]) async throws(PocError) -> ([POCID: BoxPublicKey], [POCID: RoutingRule.Party]) {
        do {
            let directory = try await verifiedDirectory()
            let keys = try recipientKeys(ids, in: directory)
            var parties: [POCID: RoutingRule.Party] = [:]
            for id in ids {
                if let entry = directory.entry(id) { parties[id] = .init(state: entry.state, role: entry.role) }
            }
            return (keys, parties)
        } catch let error where error.status == .unavailable {
            var keys: [POCID: BoxPublicKey] = [:]
            var parties: [POCID: RoutingRule.Party] = [:]
            for id in ids {
                guard let pin = try record.get(.pin, id: id.rawValue, as: Pin.self), let key = try? BoxPublicKey(rawRepresentation: pin.boxKey.data)
                else {
                    throw PocError(
                        "the relay is unreachable and no key of \(id) is pinned here, so the message cannot be sealed offline",
                        hint: "try again when the relay is reachable", status: .unavailable)
                }
                keys[id] = key
                if let state = pin.state, let role = pin.role { parties[id] = .init(state: state, role: role) }
            }
            return (keys, parties)
        }
    }

    /// Submits one outbox envelope; on success it leaves the outbox and the
    /// record gets the relay's acceptance time.
    func submitFromOutbox(_ envelope: Envelope) async throws(PocError) -> SendOutcome {
        let response: SubmitResponse
        do {
            response = try await session.submit(envelope).response
        } catch {
            if case .unreachable(let reason) = error.kind { return .queued(reason: reason) }
            // Refused for good (a conflict, a routing refusal): it will never go; keep it out of the outbox.
            if let status = error.status, (400..<500).contains(status), status != 401, status != 429 {
                try? record.delete(.outbox, id: envelope.id.rawValue)
            }
            throw PocError.from(error)
        }
        try record.delete(.outbox, id: envelope.id.rawValue)
        if var entry = try record.get(.message, id: envelope.id.rawValue, as: RecordedMessage.self) {
            entry.acceptedAt = response.acceptedAt
            try record.put(.message, id: envelope.id.rawValue, at: entry.recordedAt, entry)
        }
        return .accepted(response)
    }

    /// Resubmits everything in the outbox with its original id, so nothing is sent twice.
    /// - Returns: How many went out and how many still wait.
    @discardableResult
    public func syncOutbox() async throws(PocError) -> (sent: [MessageID], waiting: Int) {
        let pending = try record.all(.outbox, as: Envelope.self)
        var sent: [MessageID] = []
        for envelope in pending {
            if case .accepted = try await submitFromOutbox(envelope) { sent.append(envelope.id) } else { break }
        }
        return (sent, pending.count - sent.count)
    }
}

public import Foundation
import Logging
public import RelayProtocol
import RelayStore
import Sodium

extension RelayService {
    /// `POST /v1/messages`: checks what the relay can see, then stores the
    /// envelope durably (group commit) and wakes its recipients.
    ///
    /// - Returns: The answer and whether it is new (201) or a resubmission (200).
    /// - Throws: 400/413 for shape and size, 403 for sender or routing, 409 for
    ///   a used id, 422 for unknown or revoked recipients.
    public func submit(_ envelope: Envelope, from caller: Caller) async throws(RelayFailure) -> (response: SubmitResponse, created: Bool) {
        guard envelope.from == caller.pocID else {
            throw .forbidden("The envelope's from (\(envelope.from)) must be your own POC id (\(caller.pocID)).")
        }
        do { try envelope.validateForSubmission(limits: configuration.limits) } catch { throw .wire(error) }
        var unknown: [String] = []
        var refused: [String] = []
        let active = try await activeCallers(envelope.to.map(\.rawValue))
        for recipient in envelope.to {
            guard let party = active[recipient.rawValue]?.party else {
                unknown.append(recipient.rawValue)
                continue
            }
            if !RoutingRule.permits(from: caller.party, to: party) { refused.append(recipient.rawValue) }
        }
        guard unknown.isEmpty else {
            throw .unprocessable("Not active POCs of this directory: \(Self.listed(unknown)). Check the directory.")
        }
        guard refused.isEmpty else {
            throw .forbidden(
                "The routing rule forbids \(caller.role) POCs of \(caller.state) to write to \(Self.listed(refused)): "
                    + "diplomatic to diplomatic and technical to technical across states; any role within a state; custodians with all.")
        }
        let hash = envelope.digest
        let expires = Timestamp(now).adding(seconds: configuration.messageExpiry).date
        let stored = NewEnvelope(
            id: envelope.id.rawValue, sender: caller.pocID.rawValue, urgency: envelope.urgency, exercise: envelope.exercise,
            commitment: envelope.commitment, body: envelope.body, envelopeHash: hash,
            wrappedKeys: Dictionary(uniqueKeysWithValues: envelope.keys.map { ($0.key.rawValue, $0.value) }), expiresAt: expires)
        let outcome = try await storeCall("submit") { try await batcher.submit(stored) }
        switch outcome {
        case .accepted(let at):
            await notifier.notify(envelope.to.map(\.rawValue))
            logger.info(
                "message accepted",
                metadata: [
                    "id": "\(envelope.id)", "from": "\(caller.pocID)", "recipients": "\(envelope.to.count)",
                    "urgency": "\(envelope.urgency)", "exercise": "\(envelope.exercise)", "bytes": "\(envelope.body.count)",
                ])
            return (SubmitResponse(id: envelope.id, acceptedAt: Timestamp(at)), true)
        case .duplicate(let at):
            return (SubmitResponse(id: envelope.id, acceptedAt: Timestamp(at)), false)
        case .conflict:
            throw .conflict("Message id \(envelope.id) is already used by another envelope. Seal again with a new id.")
        case .invalid:
            throw .unprocessable("The envelope names a sender or recipient that is not an active POC (revoked just now?). Check the directory.")
        }
    }

    /// At most ten ids for a detail, then how many more: a detail stays short
    /// whatever the envelope names.
    static func listed(_ ids: [String]) -> String {
        let shown = ids.prefix(10).joined(separator: ", ")
        return ids.count > 10 ? "\(shown) and \(ids.count - 10) more" : shown
    }

    /// `GET /v1/inbox`: the caller's waiting messages, most urgent first, then
    /// oldest; when there are none, waits up to `wait` seconds for one.
    public func inbox(for caller: Caller, wait: Int, limit: Int) async throws(RelayFailure) -> Inbox {
        let limit = min(max(limit, 1), configuration.maxInboxLimit)
        let deadline = ContinuousClock.now + .seconds(min(max(wait, 0), configuration.maxInboxWait))
        let me = caller.pocID.rawValue
        while true {
            let seen = await notifier.generation(of: me)
            // The session was checked when the request came, but the POC may have
            // been revoked since (or while waiting): then it gets nothing more. The
            // check comes after reading the generation, so a revocation after it
            // wakes the wait below and is seen on the next turn.
            let inbox = try await storeCall("inbox") { try await store.activeInbox(recipient: me, limit: limit) }
            guard let (items, unfetched) = inbox else { throw .unauthorized }
            if !unfetched.isEmpty {
                try await storeCall("mark fetched") { try await fetchMarks.submit(FetchMark(recipient: me, messageIDs: unfetched)) }
            }
            let remaining = deadline - ContinuousClock.now
            if !items.isEmpty || remaining <= .zero || Task.isCancelled {
                var messages: [InboxMessage] = []
                messages.reserveCapacity(items.count)
                for item in items { messages.append(try readable("inbox") { try Self.inboxMessage(item) }) }
                return Inbox(messages: messages)
            }
            await notifier.wait(for: me, after: seen, timeout: remaining)
            // The client went away (or the relay stops): nothing to read for anyone.
            if Task.isCancelled { return Inbox(messages: []) }
        }
    }

    /// The wire form of a stored inbox item.
    /// - Throws: ``WireError`` for a stored id of the wrong shape.
    static func inboxMessage(_ item: InboxItem) throws -> InboxMessage {
        InboxMessage(
            id: try MessageID(item.id), from: try POCID(item.from), to: try POCID.list(item.to, field: "to"), urgency: item.urgency,
            exercise: item.exercise, acceptedAt: Timestamp(item.acceptedAt), key: item.wrappedKey, commitment: item.commitment,
            body: item.body)
    }

    /// `POST /v1/messages/{id}/receipt`: records the caller's signed receipt.
    /// - Throws: 404 unless the caller is a recipient; 422 for a signature that does not verify.
    public func receipt(messageID text: String, signature: Data, from caller: Caller) async throws(RelayFailure) {
        guard let id = try? MessageID(text) else { throw .notFound }
        let me = caller.pocID.rawValue
        let digest = try await storeCall("receipt digest") { try await store.bodyDigestForReceipt(messageID: id.rawValue, recipient: me) }
        guard let digest else {
            // Already receipted (body may be gone): the same signature again is fine.
            let status = try await storeCall("status") { try await store.messageStatus(id: id.rawValue) }
            if let previous = status?.recipients.first(where: { $0.pocID == me })?.receiptSignature,
                constantTimeEqual(previous, signature)
            {
                return
            }
            throw .notFound
        }
        guard Receipt.isValid(signature, messageID: id, recipient: caller.pocID, bodySHA256: digest, key: caller.signingKey) else {
            throw .unprocessable(
                "The receipt signature does not verify: sign \"POCRELAY-RCPT-V1\\n\" || id || \"\\n\" || your POC id || \"\\n\" || hex(SHA-256(body))."
            )
        }
        let outcome = try await storeCall("receipt") {
            try await store.recordReceipt(messageID: id.rawValue, recipient: me, signature: signature, now: now)
        }
        if outcome == .notFound { throw .notFound }
        logger.info("receipt recorded", metadata: ["id": "\(id)", "recipient": "\(me)"])
    }

    /// `GET /v1/messages/{id}/status`: delivery per recipient, for the sender or a custodian.
    public func status(messageID text: String, for caller: Caller) async throws(RelayFailure) -> MessageStatus {
        guard let id = try? MessageID(text) else { throw .notFound }
        let record = try await storeCall("status") { try await store.messageStatus(id: id.rawValue) }
        guard let record, record.sender == caller.pocID.rawValue || caller.isCustodian else { throw .notFound }
        var recipients: [MessageStatus.Recipient] = []
        for delivery in record.recipients {
            recipients.append(
                .init(
                    pocID: try readable("status recipient") { try POCID(delivery.pocID) }, fetchedAt: delivery.fetchedAt.map(Timestamp.init),
                    receiptAt: delivery.receiptAt.map(Timestamp.init), receiptSignature: delivery.receiptSignature))
        }
        return MessageStatus(id: id, acceptedAt: Timestamp(record.acceptedAt), urgency: record.urgency, recipients: recipients)
    }
}

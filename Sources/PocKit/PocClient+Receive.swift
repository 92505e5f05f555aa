public import Foundation
import RelayClient
public import RelayProtocol
import Sodium

/// A message waiting on the relay, after the checks of section 4.4.
public enum InboxEntry: Sendable {
    /// Opened and verified.
    case opened(OpenedMessage, acceptedAt: Timestamp)
    /// Refused: kept out of the inbox view, with the reason.
    case rejected(id: MessageID, from: POCID, reason: String)
}

extension PocClient {
    /// Fetches the waiting messages (most urgent first) and opens each one.
    /// - Parameter wait: Seconds to long-poll when there are none.
    public func inbox(wait: Int = 0) async throws(PocError) -> [InboxEntry] {
        let inbox = try await relay { try await session.inbox(wait: wait, limit: 100) }
        guard !inbox.messages.isEmpty else { return [] }
        let directory = try await verifiedDirectory()
        return inbox.messages.map { open($0, directory: directory) }
    }

    func open(_ message: InboxMessage, directory: VerifiedDirectory) -> InboxEntry {
        let senderKey: SigningPublicKey
        do { senderKey = try verificationKey(of: message.from, in: directory) } catch {
            return .rejected(id: message.id, from: message.from, reason: error.message)
        }
        do {
            return .opened(
                try message.envelope(for: me).open(as: me, with: keys.currentBoxKey, senderKey: senderKey), acceptedAt: message.acceptedAt)
        } catch {
            // Sealed to an older encryption key, before a rotation?
            for older in keys.boxKeys.dropFirst() {
                if let opened = try? message.envelope(for: me).open(as: me, with: older, senderKey: senderKey) {
                    return .opened(opened, acceptedAt: message.acceptedAt)
                }
            }
            return .rejected(id: message.id, from: message.from, reason: error.reason)
        }
    }

    /// A message as `poc read` shows it.
    public struct ReadMessage: Sendable {
        /// The verified inner message.
        public let inner: InnerMessage
        /// `sig || inner`.
        public let signed: Data
        /// When the relay accepted it.
        public let acceptedAt: Timestamp?
        /// True when it was read before (shown from the record).
        public let fromRecord: Bool
    }

    /// Opens message `id`, records it, and sends the signed receipt; a
    /// message read before comes from the record, re-verified.
    /// - Parameters:
    ///   - id: The message.
    ///   - verified: A directory the caller verified just now (a page that also shows
    ///     the sender's trust), used for a recorded message instead of fetching another.
    /// - Throws: 65 when it does not open or verify.
    public func read(_ id: MessageID, verified: VerifiedDirectory? = nil) async throws(PocError) -> ReadMessage {
        if let recorded = try record.get(.message, id: id.rawValue, as: RecordedMessage.self), recorded.direction == .received,
            recorded.receiptSent
        {
            let directory: VerifiedDirectory
            if let verified { directory = verified } else { directory = try await verifiedDirectory() }
            let inner = try recorded.inner
            let key = try verificationKey(of: inner.from, in: directory)
            do {
                let signed = try Envelope.verifySigned(recorded.signed.data, senderKey: key, id: id)
                return ReadMessage(inner: signed.inner, signed: recorded.signed.data, acceptedAt: recorded.acceptedAt, fromRecord: true)
            } catch {
                throw PocError("the recorded message \(id) no longer verifies: \(error.reason)", status: .dataError)
            }
        }
        let waiting = try await relay { try await session.inbox(wait: 0, limit: 100) }
        guard let message = waiting.messages.first(where: { $0.id == id }) else {
            throw PocError("no message \(id) is waiting for \(me)", hint: "see `poc inbox`, or `poc log show \(id)` for one already read")
        }
        let directory = try await verifiedDirectory()
        switch open(message, directory: directory) {
        case .rejected(_, _, let reason):
            throw PocError("message \(id) from \(message.from) was rejected: \(reason)", status: .dataError)
        case .opened(let opened, let acceptedAt):
            let now = Timestamp.now()
            var entry = RecordedMessage(
                direction: .received, signed: opened.signedBytes, bodyDigest: SHA256.hash(message.body.data).lowercaseHex,
                acceptedAt: acceptedAt, recordedAt: now, receiptSent: false)
            try record.put(.message, id: id.rawValue, at: now, entry)
            let signature = Receipt.sign(messageID: id, recipient: me, body: message.body.data, identity: keys.identity)
            try await relay { try await session.receipt(messageID: id, signature: signature) }
            entry.receiptSent = true
            try record.put(.message, id: id.rawValue, at: now, entry)
            return ReadMessage(inner: opened.inner, signed: opened.signedBytes, acceptedAt: acceptedAt, fromRecord: false)
        }
    }

    /// What checking one receipt's signature found.
    public enum ReceiptCheck: Sendable, Equatable {
        /// No receipt yet.
        case none
        /// Signed by the recipient's pinned key over this message's body digest.
        case verified
        /// The signature does not verify: a forged or altered receipt.
        case invalid
        /// Not checkable here: this home's record does not hold the message,
        /// so its body digest is unknown (a custodian looking at another
        /// POC's message, or a message sent from another home).
        case unchecked
    }

    /// One recipient's delivery, with its receipt checked against the pinned key.
    public struct Delivery: Sendable {
        public let recipient: POCID
        public let fetchedAt: Timestamp?
        public let receiptAt: Timestamp?
        /// What checking the receipt's signature found.
        public let receipt: ReceiptCheck
    }

    /// Delivery state per recipient of a message this POC sent.
    public func status(_ id: MessageID) async throws(PocError) -> (status: MessageStatus, deliveries: [Delivery]) {
        let status = try await relay { try await session.status(messageID: id) }
        return (status, try recordDeliveries(status, directory: try await verifiedDirectory()))
    }

    /// Checks each receipt of `status` and records the verified ones.
    func recordDeliveries(_ status: MessageStatus, directory: VerifiedDirectory) throws(PocError) -> [Delivery] {
        let id = status.id
        let recorded = try record.get(.message, id: id.rawValue, as: RecordedMessage.self)
        var deliveries: [Delivery] = []
        for recipient in status.recipients {
            var check = ReceiptCheck.none
            if let signature = recipient.receiptSignature, let recorded {
                let key = try? verificationKey(of: recipient.pocID, in: directory)
                let digest = Data(lowercaseHex: recorded.bodyDigest) ?? Data()
                let valid = key.map {
                    Receipt.isValid(signature.data, messageID: id, recipient: recipient.pocID, bodySHA256: digest, key: $0)
                }
                check = valid == true ? .verified : .invalid
                let receiptID = "\(id)/\(recipient.pocID)"
                // Written once: writing the same receipt again on every look would
                // change the record, and every value derived from it would be rebuilt.
                if check == .verified, try record.get(.receipt, id: receiptID, as: RecordedReceipt.self)?.signature.data != signature.data {
                    try record.put(
                        .receipt, id: receiptID, at: recipient.receiptAt ?? .now(),
                        RecordedReceipt(messageID: id, recipient: recipient.pocID, signature: signature.data, at: recipient.receiptAt ?? .now()))
                }
            } else if recipient.receiptSignature != nil {
                check = .unchecked
            }
            deliveries.append(Delivery(recipient: recipient.pocID, fetchedAt: recipient.fetchedAt, receiptAt: recipient.receiptAt, receipt: check))
        }
        return deliveries
    }
}

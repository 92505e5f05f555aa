import RelayClient
public import RelayProtocol

/// How far a message this POC sent was delivered, as the record knows it.
public struct DeliverySummary: Sendable, Equatable {
    /// Recipients whose verified receipt is in the record.
    public let receipted: Int
    /// Recipients of the message.
    public let recipients: Int

    /// Creates a summary.
    public init(receipted: Int, recipients: Int) {
        self.receipted = receipted
        self.recipients = recipients
    }

    /// True when every recipient's receipt is in the record.
    public var complete: Bool { receipted >= recipients }

    /// "2/3 receipted".
    public var text: String { "\(receipted)/\(recipients) receipted" }
}

extension PocClient {
    /// The delivery summary of every sent message in the record, from the
    /// verified receipts recorded so far (offline: no relay call).
    public func deliverySummaries() throws(PocError) -> [MessageID: DeliverySummary] {
        let receipts = try receiptsByMessage()
        var summaries: [MessageID: DeliverySummary] = [:]
        for message in try record.all(.message, as: RecordedMessage.self) where message.direction == .sent {
            let inner = try message.inner
            summaries[inner.id] = DeliverySummary(receipted: receipts[inner.id.rawValue]?.count ?? 0, recipients: Set(inner.to).count)
        }
        return summaries
    }

    /// Every verified receipt in the record, by message id (its raw value)
    /// and recipient: read and decrypted once per change of the record, for
    /// the delivery summaries, the record's lines and the Sent page alike.
    func receiptsByMessage() throws(PocError) -> [String: [POCID: RecordedReceipt]] {
        try record.memo("receipts-by-message") { () throws(PocError) -> [String: [POCID: RecordedReceipt]] in
            var receipts: [String: [POCID: RecordedReceipt]] = [:]
            for receipt in try record.all(.receipt, as: RecordedReceipt.self) {
                receipts[receipt.messageID.rawValue, default: [:]][receipt.recipient] = receipt
            }
            return receipts
        }
    }

    /// Asks the relay for the delivery state of the sent messages still
    /// missing a receipt, newest first, and records every verified receipt
    /// (R12): run whenever the client talks to the relay anyway (inbox,
    /// read, watch, after a message is accepted, sync), so the record does
    /// not wait for `poc status`.
    ///
    /// Bounded: at most `limit` messages, none accepted more than
    /// `maxAgeDays` ago (their receipts are unlikely to come). Never throws:
    /// a relay that does not answer leaves the record as it was.
    /// - Returns: How many receipts were newly recorded.
    @discardableResult
    public func refreshDeliveries(limit: Int = 5, maxAgeDays: Int = 30) async -> Int {
        guard limit > 0, let summaries = try? deliverySummaries() else { return 0 }
        let pending = summaries.filter { !$0.value.complete }
        guard !pending.isEmpty, let messages = try? record.all(.message, as: RecordedMessage.self) else { return 0 }
        let cutoff = Timestamp.now().adding(seconds: -Int64(maxAgeDays) * 86_400)
        let candidates = messages.reversed().compactMap { message -> MessageID? in
            guard message.direction == .sent, (message.acceptedAt ?? message.recordedAt) >= cutoff, let inner = try? message.inner,
                pending[inner.id] != nil
            else { return nil }
            return inner.id
        }
        guard !candidates.isEmpty, let directory = try? await verifiedDirectory() else { return 0 }
        var recorded = 0
        for id in candidates.prefix(limit) {
            guard let status = try? await relay({ try await session.status(messageID: id) }),
                let deliveries = try? recordDeliveries(status, directory: directory)
            else { continue }
            recorded += deliveries.filter { $0.receipt == .verified }.count
        }
        return max(0, recorded - candidates.prefix(limit).compactMap { pending[$0]?.receipted }.reduce(0, +))
    }
}

import RelayClient
public import RelayProtocol

/// A message this POC sent, with each recipient's delivery: what the web
/// interface's Sent page shows.
public struct SentMessage: Sendable {
    /// The recorded message.
    public let line: LogLine
    /// The message's urgency.
    public let urgency: Urgency
    /// One entry per distinct recipient, in the message's order.
    public var recipients: [SentRecipient]

    /// How many recipients' receipts verified.
    public var receipted: Int { recipients.filter { $0.receipt == .verified }.count }

    /// Whether a receipt is still missing after the urgency's receipt window (``ReceiptWindow``).
    public func isPastWindow(now: Timestamp) -> Bool {
        guard let accepted = line.acceptedTime else { return false }
        return ReceiptWindow.isPast(acceptedAt: accepted, urgency: urgency, receipted: receipted, recipients: recipients.count, now: now)
    }
}

/// One recipient of a sent message.
public struct SentRecipient: Sendable {
    public let pocID: POCID
    /// When the recipient fetched the message, as the relay says (unknown without the relay).
    public var fetchedAt: Timestamp?
    /// When the receipt was given.
    public var receiptAt: Timestamp?
    /// What checking the receipt's signature against the recipient's key found.
    public var receipt: PocClient.ReceiptCheck
}

extension PocClient {
    /// The sent messages in the record, newest first, with the verified
    /// receipts the record holds (offline: no relay call; no fetch times).
    /// - Parameters:
    ///   - filter: Which messages; its direction is set to sent.
    /// - Throws: ``PocError`` when the record cannot be read.
    public func sentMessages(_ filter: RecordFilter = RecordFilter(), now: Timestamp = .now()) throws(PocError) -> [SentMessage] {
        var filter = filter
        filter.direction = .sent
        let lines = try logLines(filter, now: now)
        let receipts = try receiptsByMessage()
        return lines.reversed().map { line in
            var seen = Set<String>()
            let recipients = line.to.filter { seen.insert($0).inserted }.compactMap { text -> SentRecipient? in
                guard let id = try? POCID(text) else { return nil }
                let receipt = receipts[line.id]?[id]
                return SentRecipient(pocID: id, fetchedAt: nil, receiptAt: receipt?.at, receipt: receipt == nil ? .none : .verified)
            }
            return SentMessage(line: line, urgency: Urgency(rawValue: line.urgency) ?? .routine, recipients: recipients)
        }
    }

    /// Asks the relay for the delivery state of `messages`, at the same
    /// time, for at most `timeout`: each receipt's signature is checked
    /// against the recipient's key (as `poc status` does) and every verified
    /// receipt is recorded. Messages whose state did not come in time keep
    /// what the record knows.
    /// - Returns: The messages with the relay's fetch and receipt times, and
    ///   whether every state came (false when the relay did not answer in time).
    public func refreshed(_ messages: [SentMessage], timeout: Duration = .seconds(3)) async -> (messages: [SentMessage], complete: Bool) {
        let asked = messages.filter { $0.line.acceptedTime != nil }  // one still in the outbox has no state yet
        guard !asked.isEmpty else { return (messages, true) }
        let found: [MessageID: [Delivery]]? = await withTaskGroup(of: [MessageID: [Delivery]]?.self) { group in
            group.addTask {
                guard let directory = try? await self.verifiedDirectory() else { return nil }
                return await withTaskGroup(of: (MessageID, [Delivery])?.self) { inner in
                    for message in asked {
                        guard let id = try? MessageID(message.line.id) else { continue }
                        inner.addTask {
                            guard let status = try? await self.relay({ try await self.session.status(messageID: id) }),
                                let deliveries = try? self.recordDeliveries(status, directory: directory)
                            else { return nil }
                            return (id, deliveries)
                        }
                    }
                    var found: [MessageID: [Delivery]] = [:]
                    for await case let (id, deliveries)? in inner { found[id] = deliveries }
                    return found
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let found else { return (messages, false) }
        let merged = messages.map { message -> SentMessage in
            guard let id = try? MessageID(message.line.id), let deliveries = found[id] else { return message }
            var message = message
            for index in message.recipients.indices {
                guard let delivery = deliveries.first(where: { $0.recipient == message.recipients[index].pocID }) else { continue }
                message.recipients[index].fetchedAt = delivery.fetchedAt
                if delivery.receipt != .none || message.recipients[index].receipt == .none {
                    message.recipients[index].receipt = delivery.receipt
                    message.recipients[index].receiptAt = delivery.receiptAt ?? message.recipients[index].receiptAt
                }
            }
            return message
        }
        return (merged, found.count == asked.count)
    }
}

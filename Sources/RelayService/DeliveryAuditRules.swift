public import Foundation
public import RelayProtocol
public import RelayStore

/// The rules of the delivery audit (section 7) over the store's facts.
///
/// Durations are `receipt_at - accepted_at` in whole seconds per delivery;
/// percentiles use the nearest-rank method (the value at rank
/// `ceil(p/100 * n)` of the sorted durations). A delivery is late when its
/// duration exceeds its urgency's receipt window, or when it has no receipt
/// and `now - accepted_at` exceeds the window; a message with such a
/// delivery is listed as undelivered. An urgency without a window is never late.
public enum DeliveryAuditRules {
    /// A stored id that does not have its protocol shape.
    public struct UnreadableFact: Error, Sendable {
        /// Which value could not be read.
        public let what: String
    }

    /// The audit of `facts` (sorted by acceptance time, message id, recipient, as the store returns them).
    ///
    /// - Parameters:
    ///   - facts: Every delivery of every stored envelope.
    ///   - now: The current time.
    ///   - windows: Receipt window in seconds by urgency.
    /// - Returns: One row per (urgency, exercise) present, most urgent first and
    ///   real traffic before exercise; overdue messages, oldest first.
    /// - Throws: ``UnreadableFact`` for a stored id of the wrong shape.
    public static func audit(_ facts: [DeliveryFact], now: Date, windows: [Urgency: Int64]) throws(UnreadableFact) -> DeliveryAudit {
        struct Group {
            var messages = 0
            var deliveries = 0
            var durations: [Int64] = []
            var late = 0
            var escalated = 0
        }
        struct Key: Hashable {
            let urgency: Urgency
            let exercise: Bool
        }
        let now = Timestamp(now).secondsSince1970
        var groups: [Key: Group] = [:]
        var undelivered: [DeliveryAudit.Undelivered] = []
        var index = facts.startIndex
        while index < facts.endIndex {
            let first = facts[index]
            var end = index
            while end < facts.endIndex && facts[end].messageID == first.messageID { end += 1 }
            let message = facts[index..<end]
            index = end
            let key = Key(urgency: first.urgency, exercise: first.exercise)
            let window = windows[first.urgency]
            let accepted = Timestamp(first.acceptedAt).secondsSince1970
            var group = groups[key, default: Group()]
            group.messages += 1
            var overdue = false
            for delivery in message {
                group.deliveries += 1
                if delivery.escalatedAt != nil { group.escalated += 1 }
                if let receiptAt = delivery.receiptAt {
                    let duration = Timestamp(receiptAt).secondsSince1970 - accepted
                    group.durations.append(duration)
                    if let window, duration > window { group.late += 1 }
                } else if let window, now - accepted > window {
                    group.late += 1
                    overdue = true
                }
            }
            groups[key] = group
            if overdue {
                undelivered.append(
                    .init(
                        id: try read("message id") { try MessageID(first.messageID) },
                        from: try read("sender") { try POCID(first.sender) },
                        to: try read("recipients") { try POCID.list(message.map(\.recipient).sorted(), field: "to") },
                        urgency: first.urgency, exercise: first.exercise, acceptedAt: Timestamp(first.acceptedAt)))
            }
        }
        let rows = groups.sorted { lhs, rhs in
            (lhs.key.urgency.rank, lhs.key.exercise ? 1 : 0) < (rhs.key.urgency.rank, rhs.key.exercise ? 1 : 0)
        }.map { key, group in
            let sorted = group.durations.sorted()
            return DeliveryAudit.UrgencyRow(
                urgency: key.urgency, exercise: key.exercise, accepted: group.messages, deliveries: group.deliveries,
                receipted: sorted.count, medianReceiptS: nearestRank(sorted, percent: 50), p95ReceiptS: nearestRank(sorted, percent: 95),
                late: group.late, escalated: group.escalated)
        }
        return DeliveryAudit(byUrgency: rows, undelivered: undelivered)
    }

    /// Nearest-rank percentile of sorted values: the value at rank `ceil(percent/100 * n)`; nil for none.
    public static func nearestRank(_ sorted: [Int64], percent: Int) -> Int64? {
        guard !sorted.isEmpty else { return nil }
        let rank = (percent * sorted.count + 99) / 100
        return sorted[max(rank, 1) - 1]
    }

    /// Reads a stored value as its protocol type, naming it when it does not fit.
    static func read<T>(_ what: String, _ make: () throws -> T) throws(UnreadableFact) -> T {
        do { return try make() } catch { throw UnreadableFact(what: what) }
    }
}

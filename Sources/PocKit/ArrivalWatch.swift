public import RelayProtocol

/// Waits for what arrives for this POC, as `poc watch` and the web
/// interface's live inbox both do: the pending pings first (so one already
/// waiting shows at once rather than after a long poll), then the inbox
/// long-polled.
///
/// Watching fetches, exactly as `poc inbox` does: the relay notes the first
/// fetch of each message (the sender's `poc status` shows it, and a waiting
/// alert not yet due is no longer sent, PROTOCOL.md section 10), but nothing is
/// opened into the record and no receipt is sent: a message is read, and
/// receipted, only when the user opens it.
public struct ArrivalWatch: Sendable {
    /// The longest long poll: a ping that arrives meanwhile shows within this time.
    public static let pollSeconds = 10
    /// The pause before asking again when the last look found messages but none
    /// new: unread messages stay waiting on the relay, so its long poll answers
    /// at once, and asking again at once would only spin.
    public static let pauseWhenNothingNew: Duration = .seconds(2)

    /// One look at what waits.
    public struct Look: Sendable {
        /// The pings waiting for an answer.
        public let pings: [PendingPing]
        /// The waiting messages, opened or refused by the checks.
        public let entries: [InboxEntry]
        /// The opened messages this watch had not seen before, in the relay's order.
        public let newMessages: [OpenedMessage]
        /// The pings this watch had not seen before.
        public let newPings: [PendingPing]
    }

    private let client: PocClient
    private var seen = Set<String>()
    private var pauseFirst = false

    /// A watch over `client`'s inbox that has seen nothing yet.
    public init(client: PocClient) {
        self.client = client
    }

    /// The next look: ``pings()`` then ``messages(wait:)``.
    /// - Throws: the ``PocError`` of a relay call (status 69 when unreachable),
    ///   or a `CancellationError` when cancelled during the pause.
    public mutating func next(wait: Int = pollSeconds) async throws -> Look {
        let (pings, newPings) = try await self.pings()
        let (entries, newMessages) = try await messages(wait: wait)
        return Look(pings: pings, entries: entries, newMessages: newMessages, newPings: newPings)
    }

    /// The pending pings, and those not seen before (after the pause when the
    /// last look at the inbox brought nothing new).
    public mutating func pings() async throws -> (all: [PendingPing], new: [PendingPing]) {
        if pauseFirst {
            try await Task.sleep(for: Self.pauseWhenNothingNew)
            pauseFirst = false
        }
        let pings = try await client.pendingPings()
        return (pings, pings.filter { seen.insert("ping:" + $0.ping.pingID).inserted })
    }

    /// The waiting messages, long-polled for at most `wait` seconds (and at
    /// most ``pollSeconds``) when there are none, and the opened ones not seen before.
    public mutating func messages(wait: Int = pollSeconds) async throws -> (all: [InboxEntry], new: [OpenedMessage]) {
        if pauseFirst {
            try await Task.sleep(for: Self.pauseWhenNothingNew)
            pauseFirst = false
        }
        let entries = try await client.inbox(wait: max(0, min(Self.pollSeconds, wait)))
        var new: [OpenedMessage] = []
        for entry in entries {
            if case .opened(let message, _) = entry, seen.insert(message.inner.id.rawValue).inserted { new.append(message) }
        }
        pauseFirst = new.isEmpty && !entries.isEmpty
        return (entries, new)
    }
}

import Foundation

/// Group commit: concurrent writes share one transaction and one fsync.
///
/// The first caller becomes the leader and commits its item with every item
/// queued so far; callers that arrive meanwhile wait. After the commit each
/// waiter gets its own outcome, and the first still queued is handed the lead
/// for the next batch. Nobody gets an answer before the transaction covering
/// their item is committed and synced.
///
/// The relay has one for submitted envelopes and one for the first-fetch
/// marks of inbox reads (a fan-out wakes hundreds of inboxes at once).
actor GroupCommit<Item: Sendable, Outcome: Sendable> {
    private enum Signal {
        case done(Result<Outcome, any Error>)
        case lead
    }

    private struct Waiter {
        let item: Item
        let continuation: CheckedContinuation<Signal, Never>
    }

    private let maxBatch: Int
    /// Commits a batch in one transaction; returns one outcome per item, in order.
    private let commit: @Sendable ([Item]) async throws -> [Outcome]
    private var queue: [Waiter] = []
    private var busy = false

    init(maxBatch: Int, commit: @escaping @Sendable ([Item]) async throws -> [Outcome]) {
        self.maxBatch = max(1, maxBatch)
        self.commit = commit
    }

    /// How many callers wait for a commit in flight (tests wait on it).
    var waiting: Int { queue.count }

    /// Commits `item`, synced, possibly with others.
    func submit(_ item: Item) async throws -> Outcome {
        if busy {
            let signal = await withCheckedContinuation { queue.append(Waiter(item: item, continuation: $0)) }
            if case .done(let result) = signal { return try result.get() }
        } else {
            busy = true
        }
        let followers = Array(queue.prefix(maxBatch - 1))
        queue.removeFirst(followers.count)
        let batch = [item] + followers.map(\.item)
        let result: Result<[Outcome], any Error>
        do {
            result = .success(try await commit(batch))
        } catch {
            result = .failure(error)
        }
        for (index, follower) in followers.enumerated() {
            follower.continuation.resume(returning: .done(result.map { $0[index + 1] }))
        }
        if queue.isEmpty {
            busy = false
        } else {
            queue.removeFirst().continuation.resume(returning: .lead)
        }
        return try result.get()[0]
    }
}

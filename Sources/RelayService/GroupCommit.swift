import Foundation
import RelayStore

/// Group commit: concurrent submissions share one transaction and one fsync.
///
/// The first submitter becomes the leader and writes its envelope with every
/// envelope queued so far; submitters that arrive meanwhile wait. After the
/// commit each waiter gets its own outcome, and the first still queued is
/// handed the lead for the next batch. Nobody gets an answer before the
/// transaction covering their envelope is committed and synced.
actor SubmissionBatcher {
    private enum Signal {
        case done(Result<SubmitOutcome, any Error>)
        case lead
    }

    private struct Waiter {
        let envelope: NewEnvelope
        let continuation: CheckedContinuation<Signal, Never>
    }

    private let store: RelayStore
    private let maxBatch: Int
    private let now: @Sendable () -> Date
    private var queue: [Waiter] = []
    private var busy = false

    init(store: RelayStore, maxBatch: Int, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.maxBatch = max(1, maxBatch)
        self.now = now
    }

    /// Stores `envelope`, committed and synced, possibly with others.
    func submit(_ envelope: NewEnvelope) async throws -> SubmitOutcome {
        if busy {
            let signal = await withCheckedContinuation { queue.append(Waiter(envelope: envelope, continuation: $0)) }
            if case .done(let result) = signal { return try result.get() }
        } else {
            busy = true
        }
        let followers = Array(queue.prefix(maxBatch - 1))
        queue.removeFirst(followers.count)
        let batch = [envelope] + followers.map(\.envelope)
        let result: Result<[SubmitOutcome], any Error>
        do {
            result = .success(try await store.submit(batch: batch, now: now()))
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

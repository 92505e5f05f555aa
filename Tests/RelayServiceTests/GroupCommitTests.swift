import Synchronization
import Testing

@testable import RelayService

@Suite("Group commit", .timeLimit(.minutes(1)))
struct GroupCommitTests {
    @Test("items arriving while a commit is in flight go together in the next batch, in arrival order")
    func batchesWhileInFlight() async throws {
        let held = HeldCommit()
        let group = GroupCommit<Int, String>(maxBatch: 16, commit: held.commit)
        var started = held.started.makeAsyncIterator()

        let leader = Task { try await group.submit(0) }
        try #require(await started.next() == [0])
        let followers = try await queue([1, 2, 3], on: group)
        #expect(await group.waiting == 3)

        held.release()
        #expect(try await leader.value == "outcome-0")
        // The lead went to the first follower without anyone submitting again.
        try #require(await started.next() == [1, 2, 3])
        held.release()
        for (item, task) in zip([1, 2, 3], followers) {
            #expect(try await task.value == "outcome-\(item)")
        }
        #expect(held.batches == [[0], [1, 2, 3]])
        #expect(await group.waiting == 0)
    }

    @Test("every caller gets the outcome of its own item")
    func outcomesToTheirCallers() async throws {
        let held = HeldCommit()
        let group = GroupCommit<Int, String>(maxBatch: 16, commit: held.commit)
        var started = held.started.makeAsyncIterator()

        let leader = Task { try await group.submit(7) }
        try #require(await started.next() == [7])
        let items = [42, 5, 19, 3]
        let followers = try await queue(items, on: group)
        held.release()
        try #require(await started.next() == items)
        held.release()
        #expect(try await leader.value == "outcome-7")
        let outcomes = try await followers.asyncMap { try await $0.value }
        #expect(outcomes == items.map { "outcome-\($0)" })
    }

    @Test("more waiters than maxBatch commit in several batches, none larger than maxBatch")
    func maxBatchLimit() async throws {
        let held = HeldCommit()
        let group = GroupCommit<Int, String>(maxBatch: 3, commit: held.commit)
        var started = held.started.makeAsyncIterator()

        let leader = Task { try await group.submit(0) }
        try #require(await started.next() == [0])
        let followers = try await queue(Array(1...7), on: group)
        held.release()
        try #require(await started.next() == [1, 2, 3])
        #expect(await group.waiting == 4)
        held.release()
        try #require(await started.next() == [4, 5, 6])
        held.release()
        try #require(await started.next() == [7])
        held.release()

        #expect(try await leader.value == "outcome-0")
        for (item, task) in zip(1...7, followers) {
            #expect(try await task.value == "outcome-\(item)")
        }
        #expect(held.batches == [[0], [1, 2, 3], [4, 5, 6], [7]])
        #expect(held.batches.allSatisfy { $0.count <= 3 })
    }

    @Test("a failing commit fails every item of its batch, and not the batches before or after")
    func failureStaysInItsBatch() async throws {
        let held = HeldCommit()
        let group = GroupCommit<Int, String>(maxBatch: 16, commit: held.commit)
        var started = held.started.makeAsyncIterator()

        let first = Task { try await group.submit(0) }
        try #require(await started.next() == [0])
        let failing = try await queue([1, 2], on: group)
        held.release()
        try #require(await started.next() == [1, 2])
        let after = try await queue([3, 4], on: group)
        held.release(failing: DiskFull())
        try #require(await started.next() == [3, 4])
        held.release()

        #expect(try await first.value == "outcome-0")
        for task in failing {
            await #expect(throws: DiskFull.self) { try await task.value }
        }
        #expect(try await after.asyncMap { try await $0.value } == ["outcome-3", "outcome-4"])
    }

    @Test("a failing lead commit still hands the lead over, so the queue does not stall")
    func failingLeadHandsOver() async throws {
        let held = HeldCommit()
        let group = GroupCommit<Int, String>(maxBatch: 16, commit: held.commit)
        var started = held.started.makeAsyncIterator()

        let leader = Task { try await group.submit(0) }
        try #require(await started.next() == [0])
        let followers = try await queue([1], on: group)
        held.release(failing: DiskFull())
        await #expect(throws: DiskFull.self) { try await leader.value }
        try #require(await started.next() == [1])
        held.release()
        #expect(try await followers[0].value == "outcome-1")
    }

    @Test("once idle, a new item commits at once, alone")
    func idleAgainAfterTheQueueEmpties() async throws {
        let held = HeldCommit()
        let group = GroupCommit<Int, String>(maxBatch: 16, commit: held.commit)
        var started = held.started.makeAsyncIterator()

        let first = Task { try await group.submit(1) }
        try #require(await started.next() == [1])
        held.release()
        #expect(try await first.value == "outcome-1")

        let second = Task { try await group.submit(2) }
        try #require(await started.next() == [2])
        held.release()
        #expect(try await second.value == "outcome-2")
        #expect(held.batches == [[1], [2]])
    }

    /// Submits each item in its own task, one after the other, each once the
    /// previous one waits in `group`'s queue: the arrival order is the items' order.
    private func queue(_ items: [Int], on group: GroupCommit<Int, String>) async throws -> [Task<String, any Error>] {
        var tasks: [Task<String, any Error>] = []
        for item in items {
            let before = await group.waiting
            tasks.append(Task { try await group.submit(item) })
            try await eventually { await group.waiting == before + 1 }
        }
        return tasks
    }
}

/// A commit closure the test holds: each call records its batch, reports it
/// on ``started`` and waits until the test releases it, with outcomes
/// (`outcome-` and the item) or an error. Calls are released in the order they came.
final class HeldCommit: Sendable {
    /// Each batch as its commit begins.
    let started: AsyncStream<[Int]>
    private let startedSink: AsyncStream<[Int]>.Continuation
    private let held = Mutex<[CheckedContinuation<(any Error)?, Never>]>([])
    private let log = Mutex<[[Int]]>([])

    init() {
        (started, startedSink) = AsyncStream<[Int]>.makeStream()
    }

    /// Every batch committed or in flight, in order.
    var batches: [[Int]] { log.withLock { $0 } }

    /// The commit closure.
    func commit(_ batch: [Int]) async throws -> [String] {
        let failure = await withCheckedContinuation { continuation in
            held.withLock { $0.append(continuation) }
            log.withLock { $0.append(batch) }
            startedSink.yield(batch)
        }
        if let failure { throw failure }
        return batch.map { "outcome-\($0)" }
    }

    /// Lets the oldest held commit finish, or fail with `error`.
    func release(failing error: (any Error)? = nil) {
        let continuation = held.withLock { $0.isEmpty ? nil : $0.removeFirst() }
        guard let continuation else {
            Issue.record("no commit is in flight")
            return
        }
        continuation.resume(returning: error)
    }
}

/// The failure of a commit.
struct DiskFull: Error {}

import Synchronization
import Testing

@testable import RelayService

/// Waits in these tests are long (30 s) where they must end early, so a wait
/// that misses its wake-up shows as a test that takes far longer than the
/// generous bounds below, never as a flaky millisecond comparison.
@Suite("Inbox notifier", .timeLimit(.minutes(1)))
struct InboxNotifierTests {
    @Test("a notify between reading the generation and waiting ends the wait at once")
    func notifyBeforeWait() async throws {
        let notifier = InboxNotifier()
        let seen = await notifier.generation(of: "FRA-TEC-1")
        await notifier.notify(["FRA-TEC-1"])
        #expect(await notifier.generation(of: "FRA-TEC-1") == seen + 1)
        let took = await elapsed { await notifier.wait(for: "FRA-TEC-1", after: seen, timeout: .seconds(30)) }
        #expect(took < .seconds(5))
        #expect(await notifier.waiterCount(for: "FRA-TEC-1") == 0)
    }

    @Test("a notify racing a wait that is starting is never missed")
    func notifyRacingWait() async throws {
        let notifier = InboxNotifier()
        // Each turn starts a wait and notifies at the same time: the notify may
        // land before the wait checks the generation, between that check and
        // the registration of the waiter, or after it. A missed one waits its
        // whole 45 s; a turn on a loaded machine takes well under a second, so
        // each turn is timed (100 slow turns together can approach 45 s).
        var slowest = Duration.zero
        for _ in 0..<100 {
            let took = await elapsed {
                let seen = await notifier.generation(of: "FRA-TEC-1")
                async let waited: Void = notifier.wait(for: "FRA-TEC-1", after: seen, timeout: .seconds(45))
                await notifier.notify(["FRA-TEC-1"])
                await waited
            }
            slowest = max(slowest, took)
        }
        #expect(slowest < .seconds(30), "a turn waited \(slowest): its notify was missed")
        #expect(await notifier.generation(of: "FRA-TEC-1") == 100)
        #expect(await notifier.waiterCount(for: "FRA-TEC-1") == 0)
    }

    @Test("a notify queued right behind a wait lands between its check and its registration, and is not missed")
    func notifyBetweenCheckAndRegistration() async throws {
        let notifier = InboxNotifier()
        for turn in 1...3 {
            // Keeps the actor busy, so that the wait and then the notify queue up
            // behind it in that order: the wait checks the generation and
            // suspends to register its waiter, and the notify runs in between.
            let busy = Task { await notifier.notify(repeatElement("BUSY-TEC-1", count: 3_000_000)) }
            try await Task.sleep(for: .milliseconds(20))
            let start = ContinuousClock.now
            let wait = Task { await notifier.wait(for: "FRA-TEC-1", after: UInt64(turn - 1), timeout: .seconds(30)) }
            try await Task.sleep(for: .milliseconds(20))
            await notifier.notify(["FRA-TEC-1"])
            await wait.value
            await busy.value
            #expect(ContinuousClock.now - start < .seconds(15))
            #expect(await notifier.waiterCount(for: "FRA-TEC-1") == 0)
        }
    }

    @Test("a wait with nothing new ends when its timeout passes, and leaves no waiter behind")
    func waitTimesOut() async throws {
        let notifier = InboxNotifier()
        let took = await elapsed { await notifier.wait(for: "FRA-TEC-1", after: 0, timeout: .milliseconds(100)) }
        #expect(took >= .milliseconds(90) && took < .seconds(30))
        #expect(await notifier.waiterCount(for: "FRA-TEC-1") == 0)

        // Timeouts so short that they may fire before the waiter is registered.
        // (In a task, so that a wait that never ends fails the test, not hangs it.)
        let done = WakeLog()
        Task {
            for _ in 0..<50 { await notifier.wait(for: "FRA-TEC-1", after: 0, timeout: .milliseconds(1)) }
            done.append("done")
        }
        // 50 waits of 1 ms take milliseconds; in the first minute of the whole suite on
        // 2 cores (every relay, browser and child starting at once) a 100 ms sleep was
        // seen to take 14 s. A wait that never ends still fails this, after 120 s.
        try await eventually(within: .seconds(120)) { done.entries == ["done"] }
        #expect(await notifier.waiterCount(for: "FRA-TEC-1") == 0)
        #expect(await notifier.generation(of: "FRA-TEC-1") == 0)
    }

    @Test("a wait for a generation already passed, or with no time, returns at once")
    func nothingToWaitFor() async throws {
        let notifier = InboxNotifier()
        await notifier.notify(["FRA-TEC-1", "FRA-TEC-1"])
        let took = await elapsed {
            await notifier.wait(for: "FRA-TEC-1", after: 1, timeout: .seconds(30))
            await notifier.wait(for: "DEU-TEC-1", after: 0, timeout: .zero)
        }
        #expect(took < .seconds(5))
    }

    @Test("a notify wakes every waiter of its POC and no other")
    func notifyWakesItsPOC() async throws {
        let notifier = InboxNotifier()
        let woken = WakeLog()
        let waits = (0..<3).map { index in
            Task {
                await notifier.wait(for: "FRA-TEC-1", after: 0, timeout: .seconds(30))
                woken.append("FRA-\(index)")
            }
        }
        let other = Task {
            await notifier.wait(for: "DEU-TEC-1", after: 0, timeout: .seconds(30))
            woken.append("DEU")
        }
        try await eventually { await notifier.waiterCount(for: "FRA-TEC-1") == 3 }
        try await eventually { await notifier.waiterCount(for: "DEU-TEC-1") == 1 }

        await notifier.notify(["FRA-TEC-1"])
        try await eventually(within: .seconds(5)) { woken.entries.count == 3 }
        for wait in waits { await wait.value }
        #expect(woken.entries.sorted() == ["FRA-0", "FRA-1", "FRA-2"])
        // The other POC's waiter is still there, and its generation did not move.
        try await Task.sleep(for: .milliseconds(50))
        #expect(woken.entries.count == 3)
        #expect(await notifier.waiterCount(for: "DEU-TEC-1") == 1)
        #expect(await notifier.generation(of: "DEU-TEC-1") == 0)
        #expect(await notifier.waiterCount(for: "FRA-TEC-1") == 0)

        await notifier.notify(["DEU-TEC-1"])
        try await eventually(within: .seconds(5)) { woken.entries.last == "DEU" }
        await other.value
    }

    @Test("notifyEveryone wakes the waiters of every POC, and moves only their generations")
    func notifyEveryone() async throws {
        let notifier = InboxNotifier()
        let pocs = ["FRA-TEC-1", "DEU-DIP-1", "KOR-TEC-2"]
        let woken = WakeLog()
        let waits = pocs.map { poc in
            Task {
                await notifier.wait(for: poc, after: 0, timeout: .seconds(30))
                woken.append(poc)
            }
        }
        for poc in pocs {
            try await eventually { await notifier.waiterCount(for: poc) == 1 }
        }
        await notifier.notifyEveryone()
        try await eventually(within: .seconds(5)) { woken.entries.count == 3 }
        for wait in waits { await wait.value }
        for poc in pocs {
            #expect(await notifier.generation(of: poc) == 1)
            #expect(await notifier.waiterCount(for: poc) == 0)
        }
        #expect(await notifier.generation(of: "ITA-TEC-1") == 0)
    }

    @Test("cancelling the waiting task ends its wait promptly")
    func cancellationEndsWait() async throws {
        let notifier = InboxNotifier()
        let start = ContinuousClock.now
        let wait = Task { await notifier.wait(for: "FRA-TEC-1", after: 0, timeout: .seconds(30)) }
        try await eventually { await notifier.waiterCount(for: "FRA-TEC-1") == 1 }
        wait.cancel()
        await wait.value
        #expect(ContinuousClock.now - start < .seconds(10))
        #expect(await notifier.waiterCount(for: "FRA-TEC-1") == 0)
        #expect(await notifier.generation(of: "FRA-TEC-1") == 0)
    }
}

/// Which waits ended, in order, shared with the waiting tasks.
final class WakeLog: Sendable {
    private let log = Mutex<[String]>([])

    /// Every name appended so far.
    var entries: [String] { log.withLock { $0 } }

    /// Records that `name`'s wait ended.
    func append(_ name: String) { log.withLock { $0.append(name) } }
}

import Foundation
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

@testable import RelayServer

/// The relay's ping scheduler (`PeriodicJob.pingCampaigns`) over a real store.
@Suite("Ping schedule job", .timeLimit(.minutes(1)))
struct PingScheduleJobTests {
    @Test("sleeps until just after the due time, at least a quarter of a second, at most the recheck")
    func scheduleWait() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let recheck = Duration.seconds(10)
        #expect(PeriodicJob.scheduleWait(until: now.addingTimeInterval(5), now: now, recheck: recheck) == .milliseconds(5050))
        #expect(PeriodicJob.scheduleWait(until: now.addingTimeInterval(-30), now: now, recheck: recheck) == .milliseconds(250))
        #expect(PeriodicJob.scheduleWait(until: now, now: now, recheck: recheck) == .milliseconds(250))
        #expect(PeriodicJob.scheduleWait(until: now.addingTimeInterval(86_400), now: now, recheck: recheck) == recheck)
    }

    @Test("a new schedule records its interval, starts the first campaign one interval later, not at once, and stops when cancelled")
    func firstCampaignOneIntervalAfterEnabling() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try RelayStore(path: directory.file("relay.sqlite"))
        defer { try? store.close() }
        let service = RelayService(store: store, relayKey: SigningKeyPair())
        let job = PeriodicJob.pingCampaigns(service: service, interval: .seconds(2), recheck: .seconds(1))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await job.run() }

            // The first look records the interval and the anchor, and starts nothing.
            var schedule = try await store.pingSchedule()
            let lookDeadline = ContinuousClock.now + .seconds(5)
            while schedule.anchor == nil, ContinuousClock.now < lookDeadline {
                try await Task.sleep(for: .milliseconds(20))
                schedule = try await store.pingSchedule()
            }
            let anchor = try #require(schedule.anchor, "the first look did not record the schedule")
            #expect(schedule.intervalSeconds == 2)
            // Not due at once: a campaign seen already (a slow first look) came one interval after the anchor.
            if let early = schedule.latestCampaign {
                #expect(early.issuedAt.timeIntervalSince(anchor) >= 2, "the first campaign of a new schedule is not due at once")
            }

            let campaignDeadline = ContinuousClock.now + .seconds(20)
            while schedule.latestCampaign == nil, ContinuousClock.now < campaignDeadline {
                try await Task.sleep(for: .milliseconds(50))
                schedule = try await store.pingSchedule()
            }
            let campaign = try #require(schedule.latestCampaign, "no campaign one interval after the anchor")
            let gap = campaign.issuedAt.timeIntervalSince(anchor)
            // Not before the interval. The upper bound is generous: in a full
            // parallel test run on two cores, one store write can wait seconds.
            #expect(gap >= 2 && gap <= 15, "the first campaign came \(gap) s after scheduling was enabled")

            let stop = ContinuousClock.now
            tasks.cancelAll()
            try await tasks.waitForAll()
            #expect(ContinuousClock.now - stop < .seconds(10), "the scheduler did not stop when cancelled")
        }
    }
}

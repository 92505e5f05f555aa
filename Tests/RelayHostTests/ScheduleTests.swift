import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The stored ping schedule (docs/protocol.md section 7) on the real binary: the
/// next campaign is due one interval after the latest, whatever restarts
/// happen, and a relay that was down when one fell due starts it on serving.
@Suite("Stored ping schedule", .timeLimit(.minutes(1)))
struct ScheduleTests {
    /// `poc-relay ping status --format json`, as the test reads it.
    struct Status: Decodable {
        struct Campaign: Decodable {
            let campaignID: String
            let issuedAt: Timestamp
            let deadline: Timestamp
            let pinged, answered, late, missed, pending: Int
            enum CodingKeys: String, CodingKey {
                case campaignID = "campaign_id", issuedAt = "issued_at", deadline, pinged, answered, late, missed, pending
            }
        }
        let lastCampaign: Campaign?
        let intervalSeconds: Int64?
        let nextDue: Timestamp?
        let overdue: Bool
        enum CodingKeys: String, CodingKey {
            case lastCampaign = "last_campaign", intervalSeconds = "interval_seconds", nextDue = "next_due", overdue
        }
    }

    /// Runs `ping status --format json` on `data`.
    static func status(_ data: String, in directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Status {
        let result = try await runCLI(["ping", "status", "--data-dir", data, "--format", "json"], in: directory.path)
        try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(Status.self, from: Data(result.stdout.utf8))
    }

    /// The latest campaign in the store at `path` (read-only, while a relay may serve it).
    static func latestCampaign(_ path: String) async throws -> CampaignSummaryRecord? {
        let store = try RelayStore(path: path, access: .readOnly)
        defer { try? store.close() }
        return try await store.pingSchedule().latestCampaign
    }

    /// Polls the store until its latest campaign is not `previous`, for at most `timeout`.
    static func nextCampaign(after previous: String?, in path: String, timeout: Duration) async throws -> CampaignSummaryRecord? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let latest = try await latestCampaign(path), latest.campaignID != previous { return latest }
            try await Task.sleep(for: .milliseconds(100))
        }
        return nil
    }

    /// `poc-relay serve --ping-every` on `data`, once it serves; the wall time it was launched at.
    static func serve(_ data: String, every: String, in directory: TemporaryDirectory) async throws -> (ServerProcess, launched: Date) {
        let launched = Date()
        let server = try ServerProcess(
            ["serve", "--data-dir", data, "--http", "--port", "0", "--ping-every", every, "--log-level", "warning"], in: directory.path)
        let serving = try await server.waitForStderr(timeout: .seconds(20)) { $0.contains("poc-relay: serving http://") ? true : nil }
        if serving == nil {
            await server.kill9()
            Issue.record("serve did not start; stderr:\n\(server.stderr)")
            throw CancellationError()
        }
        return (server, launched)
    }

    /// Runs `body` while `poc-relay serve --ping-every every` serves `data`,
    /// then stops it with SIGTERM and expects a clean exit; killed on any failure.
    static func withServe<T>(
        _ data: String, every: String, in directory: TemporaryDirectory, _ body: (ServerProcess, _ launched: Date) async throws -> T
    ) async throws -> T {
        let (server, launched) = try await serve(data, every: every, in: directory)
        do {
            let value = try await body(server, launched)
            server.send(SIGTERM)
            let status = try await server.waitForExit(timeout: .seconds(10))
            await server.kill9()
            #expect(status == 0, "serve did not stop cleanly; stderr:\n\(server.stderr)")
            return value
        } catch {
            await server.kill9()
            throw error
        }
    }

    /// Sleeps until the wall clock reaches `date`.
    static func sleep(until date: Date) async throws {
        let remaining = date.timeIntervalSinceNow
        if remaining > 0 { try await Task.sleep(for: .milliseconds(Int(remaining * 1000) + 1)) }
    }

    @Test("a restart mid-interval keeps the due time; a relay down when a campaign fell due starts it on serving")
    func scheduleSurvivesRestarts() async throws {
        try await withTemporaryDirectory { directory in
            _ = try await CLITests.initialise(directory)
            let data = directory.file("data")
            let storePath = directory.file("data/relay.sqlite")
            let interval: Int64 = 7

            let byHand = try await runCLI(["ping", "start", "--data-dir", data], in: directory.path)
            try #require(byHand.status == 0, "\(byHand)")
            let first = try #require(try await Self.latestCampaign(storePath))
            let t0 = first.issuedAt

            // Restarted 2 s into the interval: a timer that starts afresh with each
            // process would start the next campaign 7 s after the restart (9 s or more after the first).
            try await Self.withServe(data, every: "\(interval)s", in: directory) { _, _ in
                try await Self.sleep(until: t0.addingTimeInterval(2))
            }
            let second = try await Self.withServe(data, every: "\(interval)s", in: directory) { server, _ in
                let found = try await Self.nextCampaign(after: first.campaignID, in: storePath, timeout: .seconds(12))
                return try #require(found, "no scheduled campaign within 12 s; stderr:\n\(server.stderr)")
            }
            let gap = Int64(second.issuedAt.timeIntervalSince(t0))
            #expect(gap >= interval, "the scheduled campaign came \(gap) s after the first, before the interval")
            #expect(gap <= interval + 1, "the scheduled campaign came \(gap) s after the first, not one interval (\(interval) s)")

            // Down when the next one falls due: `ping status` says it is overdue.
            let due = second.issuedAt.addingTimeInterval(TimeInterval(interval))
            try await Self.sleep(until: due.addingTimeInterval(1.5))
            let down = try await Self.status(data, in: directory)
            #expect(down.lastCampaign?.campaignID == second.campaignID)
            #expect(down.intervalSeconds == interval)
            #expect(down.nextDue == Timestamp(due))
            #expect(down.overdue)

            // Serving again starts it within seconds, not one interval after the start.
            let overdue = try await Self.withServe(data, every: "\(interval)s", in: directory) { server, launched in
                let found = try await Self.nextCampaign(after: second.campaignID, in: storePath, timeout: .seconds(6))
                let campaign = try #require(found, "the overdue campaign did not start; stderr:\n\(server.stderr)")
                let delay = campaign.issuedAt.timeIntervalSince(launched)
                #expect(delay <= 4, "the overdue campaign started \(delay) s after the relay was launched")
                return campaign
            }
            #expect(overdue.issuedAt >= due)

            // One campaign per due time: three in all.
            let audit = try await runCLI(["audit", "pings", "--data-dir", data, "--format", "json"], in: directory.path)
            try #require(audit.status == 0, "\(audit)")
            let campaigns = try JSONDecoder().decode(AuditCampaigns.self, from: Data(audit.stdout.utf8)).campaigns.map(\.campaignID)
            #expect(
                campaigns.sorted() == [first.campaignID, second.campaignID, overdue.campaignID].sorted(),
                "expected the hand campaign and two scheduled ones")
            let after = try await Self.status(data, in: directory)
            #expect(after.lastCampaign?.campaignID == overdue.campaignID)
            #expect(after.nextDue == Timestamp(overdue.issuedAt.addingTimeInterval(TimeInterval(interval))))
        }
    }

    @Test("ping status: the last campaign with its counts, the next due time, not scheduled, usage errors")
    func status() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.file("data")
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let day: Int64 = 86_400
            try await withRelay(dataDirectory: data, configure: { $0.pingCampaignIntervalSeconds = day }) { relay, api in
                let prompt = try await relay.enrol("FRA", .technical, api: api)
                _ = try await relay.enrol("DEU", .diplomatic, api: api)
                _ = try await relay.enrol("UNO", .custodian, api: api)
                let campaign = try await relay.service.startCampaign(deadline: 3600)
                let ping = try #require(try await prompt.session.pings().first)
                _ = try await prompt.session.answer(ping, relayKey: try await PingTests.pinnedKey(api))

                let status = try await Self.status(data, in: directory)
                let last = try #require(status.lastCampaign)
                #expect(last.campaignID == campaign.campaignID)
                #expect([last.pinged, last.answered, last.late, last.missed, last.pending] == [2, 1, 0, 0, 1] as [Int])
                #expect(last.deadline.secondsSince1970 - last.issuedAt.secondsSince1970 == 3600)
                #expect(status.intervalSeconds == day, "serve records its interval at start")
                #expect(status.nextDue == last.issuedAt.adding(seconds: day), "one interval after the campaign started by hand")
                #expect(!status.overdue)

                let table = try await runCLI(["ping", "status", "--data-dir", data], in: directory.path)
                #expect(table.status == 0, "\(table)")
                #expect(table.stdoutLines.first == "Last campaign:  \(campaign.campaignID)", "\(table)")
                #expect(table.stdout.contains("Pinged:         2 (answered 1, late 0, missed 0, pending 1)"), "\(table)")
                #expect(table.stdout.contains("Schedule:       every 1d (serve --ping-every)"), "\(table)")
                #expect(table.stdout.contains("Next due:       \(last.issuedAt.adding(seconds: day))\n"), "\(table)")

                // Unanswered pings past their deadline count as missed.
                let short = try await runCLI(["ping", "start", "--data-dir", data, "--deadline", "1s"], in: directory.path)
                #expect(short.status == 0, "\(short)")
                try await Task.sleep(for: .milliseconds(2100))
                let missed = try #require(try await Self.status(data, in: directory).lastCampaign)
                #expect(missed.campaignID != campaign.campaignID)
                #expect([missed.pinged, missed.answered, missed.late, missed.missed, missed.pending] == [2, 0, 0, 2, 0] as [Int])
            }

            // A relay served without --ping-every: nothing is scheduled.
            try await withRelay(dataDirectory: data) { _, _ in
                let deadline = ContinuousClock.now + .seconds(10)
                while try await Self.status(data, in: directory).intervalSeconds != nil, ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            let unscheduled = try await Self.status(data, in: directory)
            #expect(unscheduled.intervalSeconds == nil && unscheduled.nextDue == nil && !unscheduled.overdue)
            #expect(unscheduled.lastCampaign != nil)
            let table = try await runCLI(["ping", "status", "--data-dir", data], in: directory.path)
            #expect(table.stdout.contains("Schedule:       not scheduled (the relay last served without --ping-every)\n"), "\(table)")

            // Usage mistakes: 64 and one error line.
            for arguments in [["--format", "csv"], ["--format"], ["extra"], ["--deadline", "1h"]] {
                let result = try await runCLI(["ping", "status", "--data-dir", data] + arguments, in: directory.path)
                #expect(result.status == 64, "\(result)")
                #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("poc-relay: error: "), "\(result)")
            }
            let fresh = try await runCLI(["ping", "status", "--data-dir", directory.file("none")], in: directory.path)
            #expect(fresh.status != 0 && fresh.stderr.hasPrefix("poc-relay: error: "), "\(fresh)")
        }
    }

    @Test("two stores on one file, both asking at the due time: one campaign, the other told the next due time")
    func oneCampaignPerDueTime() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.file("relay.sqlite")
            let first = try RelayStore(path: path)
            let second = try RelayStore(path: path)
            defer {
                try? first.close()
                try? second.close()
            }
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let ping: @Sendable (String) -> NewPing = { NewPing(pingID: "ping-\($0)", pocID: $0, challenge: Data(count: 32)) }
            // No campaign and no anchor: the anchor is set, nothing starts.
            let anchored = try await first.startCampaignIfDue(interval: 60, now: start, deadline: 10, campaignID: "campaign-0", ping: ping)
            #expect(anchored == .notDue(due: start.addingTimeInterval(60)))
            #expect(try await second.pingSchedule().anchor == start)
            let early = try await second.startCampaignIfDue(
                interval: 60, now: start.addingTimeInterval(59), deadline: 10, campaignID: "campaign-early", ping: ping)
            #expect(early == .notDue(due: start.addingTimeInterval(60)))

            let due = start.addingTimeInterval(60)
            async let a = first.startCampaignIfDue(interval: 60, now: due, deadline: 10, campaignID: "campaign-a", ping: ping)
            async let b = second.startCampaignIfDue(interval: 60, now: due.addingTimeInterval(1), deadline: 10, campaignID: "campaign-b", ping: ping)
            let outcomes = try await [a, b]
            let started = outcomes.filter { if case .started = $0 { true } else { false } }
            #expect(started.count == 1, "\(outcomes)")
            let latest = try #require(try await first.pingSchedule().latestCampaign)
            #expect(outcomes.contains(.started(campaignID: latest.campaignID, pinged: 0, due: due)))
            #expect(outcomes.contains(.notDue(due: latest.issuedAt.addingTimeInterval(60))))
        }
    }

    /// The campaign ids of `audit pings --format json`.
    struct AuditCampaigns: Decodable {
        struct Campaign: Decodable {
            let campaignID: String
            enum CodingKeys: String, CodingKey { case campaignID = "campaign_id" }
        }
        let campaigns: [Campaign]
    }
}

import Foundation
import ProcessLaunch
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The custodian's host tool, run as the real `poc-relay` binary.
@Suite("poc-relay binary", .timeLimit(.minutes(1)))
struct CLITests {
    /// `init` in a fresh data directory; returns the printed relay id.
    @discardableResult
    static func initialise(_ directory: TemporaryDirectory, sourceLocation: SourceLocation = #_sourceLocation) async throws -> String {
        let result = try await runCLI(["init", "--data-dir", directory.file("data")], in: directory.path)
        try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        let match = try #require(result.stdout.firstMatch(of: /Relay id: ([0-9A-F]{32})/), "\(result)", sourceLocation: sourceLocation)
        return String(match.1)
    }

    /// `invite`; returns the token from the last line of standard output.
    static func invite(
        _ directory: TemporaryDirectory, state: String, role: String, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let result = try await runCLI(
            ["invite", "--data-dir", directory.file("data"), "--state", state, "--role", role, "--expires", "2d"], in: directory.path)
        try #require(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        let last = try #require(result.stdout.split(separator: "\n").last.map(String.init), sourceLocation: sourceLocation)
        #expect(result.stdout.hasSuffix("\n"), sourceLocation: sourceLocation)
        #expect(last.wholeMatch(of: /poc-invite-[0-9a-f]{64}/) != nil, "last line: \(last)", sourceLocation: sourceLocation)
        return last
    }

    @Test("init prints the fingerprint and relay id, makes relay.key 0600 and relay.sqlite, and refuses a second time")
    func initialisesOnce() async throws {
        try await withTemporaryDirectory { directory in
            let data = directory.file("data")
            let result = try await runCLI(["init", "--data-dir", data], in: directory.path)
            #expect(result.status == 0, "\(result)")
            let grouped = try #require(
                result.stdout.firstMatch(of: /(?m)^\s*([0-9A-F]{4}(?: [0-9A-F]{4}){7})\s*$/), "no fingerprint line: \(result)")
            let id = try #require(result.stdout.firstMatch(of: /(?m)^Relay id: ([0-9A-F]{32})$/), "no relay id line: \(result)")
            #expect(String(grouped.1).replacingOccurrences(of: " ", with: "") == String(id.1))

            let keyPath = (data as NSString).appendingPathComponent("relay.key")
            let attributes = try FileManager.default.attributesOfItem(atPath: keyPath)
            let mode = try #require(attributes[.posixPermissions] as? NSNumber).intValue & 0o777
            #expect(mode == 0o600, "relay.key mode \(String(mode, radix: 8))")
            #expect(FileManager.default.fileExists(atPath: (data as NSString).appendingPathComponent("relay.sqlite")))
            let keyBefore = try Data(contentsOf: URL(fileURLWithPath: keyPath))

            // The key really is the relay's identity: a relay on this directory has that id.
            let key = try RelayKeyFile.load(from: keyPath)
            #expect(Fingerprint(of: key.publicKey).compact == String(id.1))
            #expect(Fingerprint(of: key.publicKey).grouped == String(grouped.1))

            let again = try await runCLI(["init", "--data-dir", data], in: directory.path)
            #expect(again.status != 0, "\(again)")
            #expect(again.stderrLines.count == 1, "\(again)")
            #expect(again.stderr.contains("already"), "\(again)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: keyPath)) == keyBefore, "a second init replaced the key")
        }
    }

    @Test("invite prints the token alone on the last line; it enrols once, then 401")
    func inviteTokenWorksOnce() async throws {
        try await withTemporaryDirectory { directory in
            let relayID = try await Self.initialise(directory)
            let token = try await Self.invite(directory, state: "FRA", role: "technical")
            try await withRelay(dataDirectory: directory.file("data")) { relay, api in
                #expect(relay.service.relayID == relayID)
                #expect(try await api.relayInfo().relayID == relayID)
                let poc = try await enrol(token: token, state: "FRA", role: .technical, api: api)
                #expect(poc.id.rawValue == "FRA-TEC-1")
                await expectStatus(401) { try await enrol(token: token, state: "FRA", role: .technical, api: api) }
                // The enrolled POC can log in.
                let session = RelaySession(api: api, identity: poc.identity, pocID: poc.id, relayID: relayID)
                let directoryAnswer = try await session.directory()
                #expect(directoryAnswer.entries.map(\.pocID) == [poc.id])
                #expect(directoryAnswer.entries.first?.state.rawValue == "FRA")
                #expect(directoryAnswer.entries.first?.role == .technical)
            }
        }
    }

    /// One kind of bad input.
    struct BadInput: Sendable, CustomTestStringConvertible {
        let name: String
        let arguments: @Sendable (_ dataDir: String) -> [String]
        let initialise: Bool
        let mentions: String
        var testDescription: String { name }
    }

    static let badInputs: [BadInput] = [
        BadInput(
            name: "--state fra", arguments: { ["invite", "--data-dir", $0, "--state", "fra", "--role", "technical"] }, initialise: true,
            mentions: "state"),
        BadInput(
            name: "--role admiral", arguments: { ["invite", "--data-dir", $0, "--state", "FRA", "--role", "admiral"] }, initialise: true,
            mentions: "admiral"),
        BadInput(
            name: "--expires 7x", arguments: { ["invite", "--data-dir", $0, "--state", "FRA", "--role", "technical", "--expires", "7x"] },
            initialise: true, mentions: "7x"),
        BadInput(
            name: "--expires 99999999999999999d (overflows seconds)",
            arguments: { ["invite", "--data-dir", $0, "--state", "FRA", "--role", "technical", "--expires", "99999999999999999d"] },
            initialise: true, mentions: "expires"),
        BadInput(
            name: "--expires 9223372036854775807s (overflows the expiry time)",
            arguments: { ["invite", "--data-dir", $0, "--state", "FRA", "--role", "technical", "--expires", "9223372036854775807s"] },
            initialise: true, mentions: "expires"),
        BadInput(
            name: "ping start --deadline 99999999999999999d",
            arguments: { ["ping", "start", "--data-dir", $0, "--deadline", "99999999999999999d"] }, initialise: true, mentions: "deadline"),
        BadInput(name: "revoke NOPE-1", arguments: { ["revoke", "--data-dir", $0, "NOPE-1"] }, initialise: true, mentions: "NOPE-1"),
        BadInput(name: "uninitialised data dir", arguments: { ["states", "--data-dir", $0] }, initialise: false, mentions: "init"),
        BadInput(
            name: "invite on uninitialised data dir", arguments: { ["invite", "--data-dir", $0, "--state", "FRA", "--role", "technical"] },
            initialise: false, mentions: "init"),
    ]

    @Test("bad input: non-zero exit and one line on standard error", arguments: badInputs)
    func badInput(_ input: BadInput) async throws {
        try await withTemporaryDirectory { directory in
            if input.initialise { try await Self.initialise(directory) }
            let result = try await runCLI(input.arguments(directory.file("data")), in: directory.path)
            #expect(!result.timedOut)
            #expect(result.status != 0, "\(result)")
            #expect(!result.stdout.contains("poc-invite-"), "an invitation was printed: \(result)")
            let oneLineError = {
                #expect(result.stderr.contains(input.mentions), "\(result)")
                #expect(result.stderrLines.count == 1, "\(result)")
            }
            oneLineError()
            if !input.initialise {
                #expect(!FileManager.default.fileExists(atPath: directory.file("data/relay.sqlite")), "a store was created: \(result)")
            }
        }
    }

    /// The rows of `states --format json`.
    struct StateRow: Decodable, Equatable {
        let state: String
        let diplomatic: Int
        let technical: Int
        let custodian: Int
        let joinedAt: String
        enum CodingKeys: String, CodingKey { case state, diplomatic, technical, custodian, joinedAt = "joined_at" }
    }

    @Test("states --format json|csv|table counts active POCs per state and role; revoke updates them")
    func statesCounts() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.initialise(directory)
            let data = directory.file("data")
            try await withRelay(dataDirectory: data) { relay, api in
                _ = try await relay.enrol("FRA", .technical, api: api)
                _ = try await relay.enrol("FRA", .diplomatic, api: api)
                _ = try await relay.enrol("FRA", .technical, api: api)
                _ = try await relay.enrol("DEU", .technical, api: api)
                _ = try await relay.enrol("UNO", .custodian, api: api)
            }
            let json = try await runCLI(["states", "--data-dir", data, "--format", "json"], in: directory.path)
            try #require(json.status == 0, "\(json)")
            let rows = try JSONDecoder().decode([StateRow].self, from: Data(json.stdout.utf8))
            #expect(rows.map(\.state) == ["DEU", "FRA", "UNO"])
            let counts = rows.map { [$0.diplomatic, $0.technical, $0.custodian] }
            #expect(counts == [[0, 1, 0], [1, 2, 0], [0, 0, 1]])
            for row in rows { #expect(row.joinedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil, "\(row)") }

            let csv = try await runCLI(["states", "--data-dir", data, "--format", "csv"], in: directory.path)
            try #require(csv.status == 0, "\(csv)")
            #expect(csv.stdoutLines.first == "state,diplomatic,technical,custodian,joined_at")
            #expect(
                csv.stdoutLines.dropFirst().map { $0.split(separator: ",").prefix(4).joined(separator: ",") } == [
                    "DEU,0,1,0", "FRA,1,2,0", "UNO,0,0,1",
                ])

            let table = try await runCLI(["states", "--data-dir", data, "--format", "table"], in: directory.path)
            try #require(table.status == 0, "\(table)")
            #expect(
                table.stdoutLines.first?.split(separator: " ", omittingEmptySubsequences: true) == [
                    "STATE", "DIPLOMATIC", "TECHNICAL", "CUSTODIAN", "JOINED",
                ])
            let fra = table.stdoutLines.first { $0.hasPrefix("FRA") }?.split(separator: " ", omittingEmptySubsequences: true).prefix(4)
            #expect(fra.map(Array.init) == ["FRA", "1", "2", "0"], "\(table)")

            let revoke = try await runCLI(["revoke", "--data-dir", data, "--yes", "FRA-DIP-1"], in: directory.path)
            #expect(revoke.status == 0, "\(revoke)")
            #expect(revoke.stdout.contains("FRA-DIP-1"), "\(revoke)")
            let after = try await runCLI(["states", "--data-dir", data, "--format", "json"], in: directory.path)
            let rowsAfter = try JSONDecoder().decode([StateRow].self, from: Data(after.stdout.utf8))
            #expect(rowsAfter.first { $0.state == "FRA" }.map { [$0.diplomatic, $0.technical] } == [0, 2])
        }
    }

    @Test("ping start pings diplomatic and technical POCs only; audit pings json|csv|table and audit delivery")
    func pingAndAudit() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.initialise(directory)
            let data = directory.file("data")
            try await withRelay(dataDirectory: data) { relay, api in
                let fra = try await relay.enrol("FRA", .technical, api: api)
                let deu = try await relay.enrol("DEU", .technical, api: api)
                _ = try await relay.enrol("DEU", .diplomatic, api: api)
                _ = try await relay.enrol("UNO", .custodian, api: api)
                // One flash message, receipted, and one routine exercise message left waiting.
                _ = try await fra.session.submit(try fra.seal(to: [deu], urgency: .flash))
                _ = try await fra.session.submit(try fra.seal(to: [deu], urgency: .routine, exercise: true))
                let inbox = try await deu.session.inbox(wait: 0, limit: 10)
                let flash = try #require(inbox.messages.first { $0.urgency == .flash })
                try await deu.session.sendReceipt(for: flash)
            }
            let ping = try await runCLI(["ping", "start", "--data-dir", data, "--deadline", "48h"], in: directory.path)
            try #require(ping.status == 0, "\(ping)")
            #expect(ping.stdout.firstMatch(of: /\b3 POCs pinged/) != nil, "custodians must not be pinged: \(ping)")

            let json = try await runCLI(["audit", "pings", "--data-dir", data, "--format", "json"], in: directory.path)
            try #require(json.status == 0, "\(json)")
            let audit = try WireJSON.decode(PingAudit.self, from: Data(json.stdout.utf8))
            let campaign = try #require(audit.campaigns.first)
            #expect(audit.campaigns.count == 1)
            #expect(campaign.deadline.secondsSince1970 - campaign.issuedAt.secondsSince1970 == 48 * 3600)
            #expect(campaign.pings.map(\.pocID.rawValue).sorted() == ["DEU-DIP-1", "DEU-TEC-1", "FRA-TEC-1"])
            #expect(campaign.pings.allSatisfy { $0.status == .pending && $0.answeredAt == nil })
            #expect(audit.followUp.isEmpty)

            let csv = try await runCLI(["audit", "pings", "--data-dir", data, "--format", "csv"], in: directory.path)
            try #require(csv.status == 0, "\(csv)")
            #expect(csv.stdoutLines.first == "campaign_id,issued_at,deadline,poc_id,state,role,status,answered_at,latency_s")
            #expect(csv.stdoutLines.count == 4, "\(csv)")
            #expect(csv.stdoutLines.dropFirst().allSatisfy { $0.contains(",pending,") && $0.hasPrefix(campaign.campaignID) }, "\(csv)")

            let table = try await runCLI(["audit", "pings", "--data-dir", data], in: directory.path)
            try #require(table.status == 0, "\(table)")
            #expect(table.stdout.contains(campaign.campaignID))
            #expect(table.stdout.contains("Follow-up: none."), "\(table)")

            let delivery = try await runCLI(["audit", "delivery", "--data-dir", data, "--format", "table"], in: directory.path)
            try #require(delivery.status == 0, "\(delivery)")
            let lines = delivery.stdoutLines.map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(
                lines.first == ["URGENCY", "TRAFFIC", "ACCEPTED", "DELIVERIES", "RECEIPTED", "MEDIAN", "P95", "LATE", "ESCALATED"], "\(delivery)")
            let flashRow = lines.first { $0.first == "flash" }
            #expect(flashRow.map { Array($0.prefix(5)) } == ["flash", "real", "1", "1", "1"], "\(delivery)")
            #expect(flashRow?.last == "0", "\(delivery)")
            let exerciseRow = lines.first { $0.first == "routine" }
            #expect(exerciseRow.map { Array($0.prefix(5)) } == ["routine", "EXERCISE", "1", "1", "0"], "\(delivery)")
            #expect(exerciseRow.map { Array($0.suffix(4)) } == ["-", "-", "0", "0"], "\(delivery)")

            let deliveryJSON = try await runCLI(["audit", "delivery", "--data-dir", data, "--format", "json"], in: directory.path)
            let decoded = try WireJSON.decode(DeliveryAudit.self, from: Data(deliveryJSON.stdout.utf8))
            #expect(decoded.byUrgency.count == 2)
            #expect(decoded.undelivered.isEmpty)
            let deliveryCSV = try await runCLI(["audit", "delivery", "--data-dir", data, "--format", "csv"], in: directory.path)
            #expect(deliveryCSV.stdoutLines.first == "urgency,exercise,accepted,deliveries,receipted,median_receipt_s,p95_receipt_s,late,escalated")
            #expect(deliveryCSV.stdoutLines.count == 3, "\(deliveryCSV)")

            // With serve's config file, lateness follows its receipt windows, as the relay's does.
            let config = directory.file("config.json")
            try Data(#"{"receipt_window_seconds": {"routine": 0}}"#.utf8).write(to: URL(fileURLWithPath: config))
            try await Task.sleep(for: .seconds(2))
            let windowed = try await runCLI(
                ["audit", "delivery", "--data-dir", data, "--config", config, "--format", "json"], in: directory.path)
            try #require(windowed.status == 0, "\(windowed)")
            let judged = try WireJSON.decode(DeliveryAudit.self, from: Data(windowed.stdout.utf8))
            #expect(judged.byUrgency.first { $0.urgency == .routine }?.late == 1, "\(windowed)")
            #expect(judged.undelivered.count == 1, "\(windowed)")
        }
    }

    @Test("serve --http refuses a non-loopback host")
    func serveHTTPNeedsLoopback() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.initialise(directory)
            let result = try await runCLI(
                ["serve", "--data-dir", directory.file("data"), "--http", "--host", "0.0.0.0", "--port", "0"], in: directory.path, timeout: 10)
            #expect(!result.timedOut, "serve started on 0.0.0.0 over plain HTTP: \(result)")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("loopback"), "\(result)")
            #expect(!result.stderr.contains("serving"), "\(result)")
        }
    }

    @Test("serve without TLS files and without --http refuses, naming --tls-cert")
    func serveNeedsTLS() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.initialise(directory)
            let result = try await runCLI(["serve", "--data-dir", directory.file("data"), "--port", "0"], in: directory.path, timeout: 10)
            #expect(!result.timedOut, "serve started without TLS: \(result)")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("--tls-cert"), "\(result)")
        }
    }

    @Test("serve refuses a relay.key that other users can read")
    func serveRefusesReadableKey() async throws {
        try await withTemporaryDirectory { directory in
            try await Self.initialise(directory)
            let keyPath = directory.file("data/relay.key")
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
            let result = try await runCLI(
                ["serve", "--data-dir", directory.file("data"), "--http", "--port", "0"], in: directory.path, timeout: 10)
            #expect(!result.timedOut, "serve started with a world-readable key: \(result)")
            #expect(result.status != 0, "\(result)")
            #expect(result.stderr.contains("chmod 600"), "\(result)")
            #expect(!result.stderr.contains("serving"), "\(result)")
        }
    }

    @Test("commands work while the server runs; SIGTERM stops it gracefully with status 0")
    func commandsWhileServing() async throws {
        try await withTemporaryDirectory { directory in
            let relayID = try await Self.initialise(directory)
            let data = directory.file("data")
            let server = try ServerProcess(["serve", "--data-dir", data, "--http", "--port", "0", "--log-level", "info"], in: directory.path)
            do {
                let found = try await server.waitForStderr(timeout: .seconds(15)) { text in
                    text.firstMatch(of: /poc-relay: serving http:\/\/127\.0\.0\.1:(\d+) \(relay id ([0-9A-F]{32})\)/).map {
                        (Int($0.1) ?? 0, String($0.2))
                    }
                }
                let (port, servedID) = try #require(found, "no serving line; stderr:\n\(server.stderr)")
                #expect(port > 0)
                #expect(servedID == relayID)
                let baseURL = try #require(URL(string: "http://127.0.0.1:\(port)"))

                // Host commands against the same store while it serves.
                async let technical = Self.invite(directory, state: "FRA", role: "technical")
                async let peer = Self.invite(directory, state: "DEU", role: "technical")
                let tokens = try await [technical, peer]

                try await withClient(baseURL: baseURL, trust: .systemStore) { api in
                    #expect(try await api.relayInfo().relayID == relayID)
                    let fra = try await enrol(token: tokens[0], state: "FRA", role: .technical, api: api)
                    let deu = try await enrol(token: tokens[1], state: "DEU", role: .technical, api: api)
                    await expectStatus(401) { try await enrol(token: tokens[0], state: "FRA", role: .technical, api: api) }
                    let sender = RelaySession(api: api, identity: fra.identity, pocID: fra.id, relayID: relayID)
                    let receiver = RelaySession(api: api, identity: deu.identity, pocID: deu.id, relayID: relayID)
                    let inner = InnerMessage(from: fra.id, to: [deu.id], urgency: .priority, subject: "S", body: "B")
                    let envelope = try Envelope.seal(inner, signer: fra.identity, recipientKeys: [deu.id: deu.boxKeys.publicKey])
                    #expect(try await sender.submit(envelope).created)
                    let received = try await receiver.inbox(wait: 0, limit: 10).messages
                    #expect(received.map(\.id) == [envelope.id])
                    for message in received { try await receiver.sendReceipt(for: message) }

                    let states = try await runCLI(["states", "--data-dir", data, "--format", "csv"], in: directory.path)
                    #expect(states.status == 0, "\(states)")
                    #expect(states.stdoutLines.count == 3, "\(states)")
                    let ping = try await runCLI(["ping", "start", "--data-dir", data, "--deadline", "1h"], in: directory.path)
                    #expect(ping.stdout.contains("2 POCs pinged"), "\(ping)")
                    #expect(try await receiver.pings().count == 1, "a campaign started by the CLI is visible to the server")

                    // A long poll in flight when SIGTERM arrives must not hold the shutdown.
                    let poll = Task { try? await receiver.inbox(wait: 30, limit: 10) }
                    try await Task.sleep(for: .milliseconds(500))
                    let start = ContinuousClock.now
                    server.send(SIGTERM)
                    let status = try await server.waitForExit(timeout: .seconds(10))
                    #expect(status == 0, "serve did not exit 0 within 10 s of SIGTERM; stderr:\n\(server.stderr)")
                    #expect(ContinuousClock.now - start < .seconds(5), "graceful shutdown took \(ContinuousClock.now - start)")
                    poll.cancel()
                    _ = await poll.value
                }
            } catch {
                await server.kill9()
                throw error
            }
            await server.kill9()
            #expect((server.child.exitStatus ?? 255) < 128, "serve ended by a signal; stderr:\n\(server.stderr)")
        }
    }
}

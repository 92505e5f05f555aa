import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PocKit
import PocUI
import RelayClient
import RelayProtocol
import RelayService
import RelayTestSupport
import Sodium

/// `relay-benchmarks ui`: each page of `poc ui`'s time to first byte, with a
/// directory of about 1,000 entries and a record of 10,000 messages, in
/// process: a real relay over TLS on 127.0.0.1, a custodian's home (so the
/// dashboard is among the pages), the interface served by ``PocUIServer`` and
/// asked over a real socket with the session cookie, one request at a time.
struct UIPagesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "poc ui: each page's time to first byte with 1,000 directory entries and 10,000 record entries (median, p95).")

    @Option(help: "Requests per page after one warm-up request; the table shows their median and 95th percentile.")
    var runs = 50

    @Option(help: "Directory entries besides the custodian (enrolled through the relay's service).")
    var entries = 999

    @Option(help: "Record entries (messages received and sent, written through PocKit's Record).")
    var records = 10_000

    @Option(help: "Messages waiting at the relay for the inbox (submitted through the relay's service).")
    var waiting = 50

    @OptionGroup var output: JSONOutput

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard entries >= 1, records >= 1, waiting >= 0 else {
            throw ValidationError("--entries and --records must be at least 1, --waiting at least 0.")
        }
    }

    /// One page's figures.
    struct PageReport: Codable {
        let page: String
        let status: Int
        let bytes: Int
        let firstMs: Double
        let medianMs: Double
        let p95Ms: Double
        let maxMs: Double

        enum CodingKeys: String, CodingKey {
            case page, status, bytes
            case firstMs = "first_ms"
            case medianMs = "median_ms"
            case p95Ms = "p95_ms"
            case maxMs = "max_ms"
        }
    }

    /// What `--json` writes.
    struct Report: Codable {
        let runs: Int
        let directoryEntries: Int
        let recordEntries: Int
        let waitingMessages: Int
        let targetP95Ms: Double
        let pages: [PageReport]

        enum CodingKeys: String, CodingKey {
            case runs, pages
            case directoryEntries = "directory_entries"
            case recordEntries = "record_entries"
            case waitingMessages = "waiting_messages"
            case targetP95Ms = "target_p95_ms"
        }

        var table: String {
            var lines = [
                "poc ui, time to first byte in ms, \(runs) requests per page after a warm-up",
                "  (\(directoryEntries) directory entries, \(recordEntries) record entries, \(waitingMessages) messages waiting;"
                    + " target p95 < \(format(targetP95Ms)) ms)",
                "  page                             status      bytes   first  median     p95     max",
            ]
            for page in pages {
                lines.append(
                    "  "
                        + [
                            page.page.padding(toLength: 32, withPad: " ", startingAt: 0), pad(String(page.status), 6), pad(String(page.bytes), 10),
                            pad(format(page.firstMs, 1), 7), pad(format(page.medianMs, 1), 7), pad(format(page.p95Ms, 1), 7),
                            pad(format(page.maxMs, 1), 7),
                        ].joined(separator: " ")
                        + (page.p95Ms >= targetP95Ms ? "  over target" : ""))
            }
            return lines.joined(separator: "\n")
        }

        private func pad(_ text: String, _ width: Int) -> String {
            String(repeating: " ", count: max(0, width - text.count)) + text
        }
    }

    func run() async throws {
        let report = try await withBenchRelay { relay, _, _ in try await measure(relay) }
        print(report.table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try output.write(try encoder.encode(report))
    }

    /// A POC enrolled straight through the relay's service, with its keys kept here.
    struct Member {
        let id: POCID
        let state: StateCode
        let role: Role
        let identity: SigningKeyPair
        let box: BoxKeyPair
    }

    func measure(_ relay: LiveRelay) async throws -> Report {
        let folder = try TemporaryDirectory(prefix: "poc-ui-bench")
        defer { folder.remove() }
        let home = PocHome(explicit: folder.file("uno"), environment: [:])
        let passphrase = "a long enough benchmark passphrase"
        _ = try await PocSetup.initialize(
            home: home, server: relay.baseURL.absoluteString, caFile: try DevCertificates.shared.get().caFile,
            expectedFingerprint: relay.service.relayID)
        let invitation = try await relay.service.invite(state: try StateCode("UNO"), role: .custodian)
        _ = try await PocSetup.enrol(
            home: home, token: invitation.token,
            details: EntryDetails(kind: .institution, entity: "UNODA", email: "custodian@example.org", languages: ["en"], entryLanguage: .en),
            passphrase: SecretBytes(copying: Array(passphrase.utf8)), limits: .insecureForTestsOnly)

        let members = try await enrolMembers(relay)
        progress("ui: \(members.count + 1) directory entries; writing \(records) record entries")
        let sample = try await fillRecord(home: home, passphrase: passphrase, members: members, relay: relay)
        progress("ui: record written; timing the directory's parts")
        try await timeDirectoryParts(home: home, passphrase: passphrase, relay: relay)
        progress("ui: starting the interface")

        let quiet = Logger(label: "poc-ui-bench") { _ in SwiftLogNoOpLogHandler() }
        let (urls, continuation) = AsyncStream.makeStream(of: URL.self)
        let server = Task {
            defer { continuation.finish() }
            try await PocUIServer(configuration: PocUIConfiguration(home: home), logger: quiet).run(
                gracefulShutdownSignals: [], unlockingWith: SecretBytes(copying: Array(passphrase.utf8))
            ) { url in continuation.yield(url) }
        }
        var iterator = urls.makeAsyncIterator()
        guard let login = await iterator.next() else {
            try await server.value
            throw BenchmarkError("the interface did not start")
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        do {
            let pages = try await measurePages(http: http, login: login, sample: sample)
            try await http.shutdown()
            server.cancel()
            _ = await server.result
            return Report(
                runs: runs, directoryEntries: members.count + 1, recordEntries: records, waitingMessages: waiting, targetP95Ms: 50, pages: pages)
        } catch {
            try? await http.shutdown()
            server.cancel()
            _ = await server.result
            throw error
        }
    }

    /// `entries` POCs of many states, both roles, enrolled with the relay's service (no HTTP, no KDF).
    func enrolMembers(_ relay: LiveRelay) async throws -> [Member] {
        let codes = StateCode.assignedCountryCodes.sorted().filter { $0 != "UNO" }
        var members: [Member] = []
        var round = 0
        while members.count < entries {
            for code in codes where members.count < entries {
                let role: Role = round % 2 == 0 ? .technical : .diplomatic
                let invite = try await relay.service.invite(state: try StateCode(code), role: role)
                let identity = SigningKeyPair(), box = BoxKeyPair()
                let certificate = KeyCertificate.issue(boxKey: box.publicKey, createdAt: .now(), identity: identity)
                let details = EntryDetails(
                    kind: .institution, entity: "\(code) \(role) team \(round)", email: "poc\(round)@\(code.lowercased()).example",
                    languages: ["en"], entryLanguage: .fr, translationEn: EntryTranslation(entity: "\(code) team"))
                let response = try await relay.service.enrol(
                    EnrolRequest(token: invite.token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details))
                members.append(Member(id: response.pocID, state: try StateCode(code), role: role, identity: identity, box: box))
            }
            round += 1
        }
        return members
    }

    /// The ids a page needs: a received message in the record, and a directory entry.
    struct Sample {
        let message: MessageID
        let poc: POCID
    }

    /// `records` messages in the custodian's record, as reading and sending
    /// leave them: nine in ten received (signed by their senders, receipt
    /// sent), one in ten sent; urgencies, types and exercise flags mixed.
    /// Then `waiting` messages from the members wait at the relay for the inbox.
    func fillRecord(home: PocHome, passphrase: String, members: [Member], relay: LiveRelay) async throws -> Sample {
        let client = try PocClient.open(home: home, passphrase: SecretBytes(copying: Array(passphrase.utf8)))
        defer { Task { await client.shutdown() } }
        _ = try await client.verifiedDirectory()
        let me = client.me
        let urgencies: [Urgency] = [.routine, .priority, .immediate, .flash]
        var first: MessageID?
        let start = Date().addingTimeInterval(-Double(records) * 60)
        for index in 0..<records {
            let member = members[index % members.count]
            let sent = index % 10 == 9
            let at = Timestamp(start.addingTimeInterval(Double(index) * 60))
            let inner = InnerMessage(
                from: sent ? me : member.id, to: [sent ? member.id : me], sentAt: at, urgency: urgencies[index % 4],
                exercise: index % 7 == 0, type: index % 5 == 0 ? .notice : .message, subject: "Benchmark message \(index)",
                body: "Message \(index) of the benchmark record.\nSecond line.")
            let (envelope, signed) = try Envelope.sealKeepingSigned(
                innerBytes: try inner.serialized(), id: inner.id, from: inner.from, to: inner.to, urgency: inner.urgency,
                exercise: inner.exercise, signer: sent ? client.keys.identity : member.identity,
                recipientKeys: [inner.to[0]: sent ? member.box.publicKey : client.keys.currentBoxKey.publicKey])
            let entry = RecordedMessage(
                direction: sent ? .sent : .received, signed: signed, bodyDigest: SHA256.hash(envelope.body).lowercaseHex,
                acceptedAt: at, recordedAt: at, receiptSent: !sent)
            try client.record.put(.message, id: inner.id.rawValue, at: at, entry)
            if !sent, first == nil { first = inner.id }
            if index % 2000 == 1999 { progress("ui: \(index + 1) record entries") }
        }
        for index in 0..<waiting {
            let member = members[index % members.count]
            let inner = InnerMessage(
                from: member.id, to: [me], urgency: urgencies[index % 4], exercise: index % 7 == 0, subject: "Waiting message \(index)",
                body: "Message \(index) waiting at the relay.")
            let envelope = try Envelope.seal(inner, signer: member.identity, recipientKeys: [me: client.keys.currentBoxKey.publicKey])
            _ = try await relay.service.submit(
                envelope, from: Caller(pocID: member.id, state: member.state, role: member.role, signingKey: member.identity.publicKey))
        }
        guard let first else { throw BenchmarkError("no received message written") }
        return Sample(message: first, poc: members[0].id)
    }

    /// Logs in with the one-time URL, then times each page.
    func measurePages(http: HTTPClient, login: URL, sample: Sample) async throws -> [PageReport] {
        guard let port = login.port else { throw BenchmarkError("no port in \(login)") }
        let base = "http://127.0.0.1:\(port)"
        var request = HTTPClientRequest(url: login.absoluteString)
        let answer = try await http.execute(request, timeout: .seconds(60))
        _ = try await answer.body.collect(upTo: 1 << 20)
        guard let line = answer.headers["Set-Cookie"].first(where: { $0.hasPrefix("poc_session=") }) else {
            throw BenchmarkError("the login gave no session cookie (\(answer.status))")
        }
        let cookie = String(line.prefix { $0 != ";" })
        let pages = [
            "/inbox", "/message/\(sample.message.rawValue)", "/compose", "/sent", "/record", "/record?q=Benchmark+message+99",
            "/directory", "/directory?state=FRA", "/directory/\(sample.poc.rawValue)", "/settings", "/dashboard",
        ]
        var reports: [PageReport] = []
        for page in pages {
            request = HTTPClientRequest(url: base + page)
            request.headers.add(name: "Cookie", value: cookie)
            var times: [Double] = []
            var status = 0, bytes = 0
            for _ in 0...runs {
                let clock = ContinuousClock()
                let start = clock.now
                // execute returns at the response head: the time to the first byte.
                let response = try await http.execute(request, timeout: .seconds(120))
                times.append((clock.now - start).milliseconds)
                let body = try await response.body.collect(upTo: 64 << 20)
                status = Int(response.status.code)
                bytes = body.readableBytes
            }
            let measured = Array(times.dropFirst()).sorted()
            let report = PageReport(
                page: page.count > 32 ? String(page.prefix(29)) + "..." : page, status: status, bytes: bytes, firstMs: times[0],
                medianMs: Summary(measured).median, p95Ms: measured[min(measured.count - 1, Int((Double(measured.count) * 0.95).rounded(.up)) - 1)],
                maxMs: measured.last ?? 0)
            progress("ui: \(page) \(status): median \(format(report.medianMs, 1)) ms, p95 \(format(report.p95Ms, 1)) ms")
            reports.append(report)
        }
        return reports
    }

    /// What a page that shows trust pays for the directory, in parts: the
    /// relay building and signing it, the client fetching and decoding it
    /// (over TLS), and the client's whole verified directory (fetch, checks, pins).
    func timeDirectoryParts(home: PocHome, passphrase: String, relay: LiveRelay) async throws {
        let client = try PocClient.open(home: home, passphrase: SecretBytes(copying: Array(passphrase.utf8)))
        defer { Task { await client.shutdown() } }
        func median(_ body: () async throws -> Void) async throws -> Double {
            var times: [Double] = []
            for _ in 0..<21 {
                let start = ContinuousClock.now
                try await body()
                times.append((ContinuousClock.now - start).milliseconds)
            }
            return Summary(Array(times.dropFirst())).median
        }
        let built = try await median { _ = try await relay.service.directory() }
        let fetched = try await median { _ = try await client.session.directory() }
        let verified = try await median { _ = try await client.verifiedDirectory() }
        progress(
            "ui: directory medians: relay builds and signs \(format(built, 1)) ms, fetched and decoded \(format(fetched, 1)) ms,"
                + " verified with pins \(format(verified, 1)) ms")
    }
}

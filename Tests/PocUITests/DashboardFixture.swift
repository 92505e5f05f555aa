import AsyncHTTPClient
import Foundation
import Logging
import PocKit
import PocUI
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

/// A live relay on a test clock with four states' POCs (FRA, CHN, DEU, BRA)
/// enrolled through the API, a custodian home (UNO) enrolled with `poc`, and
/// the custodian's web interface served in-process. Two ping campaigns: in the
/// first everyone answers on time; in the latest FRA and CHN answer on time,
/// DEU answers late and BRA never answers. Real traffic: a FLASH FRA to DEU,
/// receipted at once, and a FLASH FRA to BRA never receipted (undelivered past
/// the 30 s window); exercise traffic: a ROUTINE FRA to CHN, receipted.
struct DashboardFixture {
    let ui: UIFixture
    let fra: TestPOC
    let chn: TestPOC
    let deu: TestPOC
    let bra: TestPOC
    /// The campaigns, oldest first.
    let campaigns: [String]
    /// The FLASH to BRA that nobody receipted.
    let undelivered: MessageID
    /// The flash receipt window the relay is configured with.
    static let flashWindow: Int64 = 30
    /// DEU's published entity: a formula for a spreadsheet, markup for a page.
    static let deuEntity = "=HYPERLINK(\"https://evil.example\", \"<b>DEU</b>\")"

    static func with(_ body: (DashboardFixture) async throws -> Void) async throws {
        let clock = TestClock()
        try await LiveRelay.with(clock: clock, configure: { $0.service.receiptWindows[.flash] = flashWindow }) { relay in
            try await RelayAPIClient.using(baseURL: relay.baseURL, trust: relay.trust) { api in
                let root = try TemporaryDirectory(prefix: "poc-ui-dashboard")
                defer { root.remove() }
                _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(UIFixture.passphrase.utf8))
                _ = try await UIFixture.enrol(root, relay, "uno", state: "UNO", role: .custodian)
                let fra = try await relay.enrol("FRA", .technical, api: api)
                let chn = try await relay.enrol("CHN", .technical, api: api)
                let deu = try await relay.enrol("DEU", .technical, api: api)
                let bra = try await relay.enrol("BRA", .technical, api: api)
                let everyone = [fra, chn, deu, bra]
                // DEU publishes contacts that a spreadsheet would run and a page would render as markup.
                _ = try await deu.session.updateEntry(
                    EntryDetails(
                        kind: .institution, entity: Self.deuEntity, name: "Anna Schmidt", email: "cert@deu.example", phone: "+49 30 1234",
                        languages: ["de", "en"], entryLanguage: .en))
                for poc in everyone { _ = try await poc.session.token() }
                let relayKey = try SigningPublicKey(rawRepresentation: try await api.relayInfo().signingKey.data)

                // The first campaign: all four on time.
                let first = try await relay.service.startCampaign(deadline: 10)
                for poc in everyone { try await answer(poc, relayKey) }
                clock.advance(seconds: 20)

                // Traffic between the campaigns.
                let toDEU = try fra.seal(to: [deu], urgency: .flash)
                let toBRA = try fra.seal(to: [bra], urgency: .flash)
                let drill = try fra.seal(to: [chn], urgency: .routine, exercise: true)
                for envelope in [toDEU, toBRA, drill] { _ = try await fra.session.submit(envelope) }
                for (poc, id) in [(deu, toDEU.id), (chn, drill.id)] {
                    for message in try await poc.session.inbox(wait: 0, limit: 10).messages where message.id == id {
                        _ = try poc.open(message, senderKey: fra.identity.publicKey)
                        try await poc.session.sendReceipt(for: message)
                    }
                }

                // The latest campaign: DEU late, BRA silent.
                let latest = try await relay.service.startCampaign(deadline: 10)
                for poc in [fra, chn] { try await answer(poc, relayKey) }
                clock.advance(seconds: 40)
                try await answer(deu, relayKey)

                let server = try await UIServer.start(home: root.file("uno"))
                let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
                let ui = UIFixture(root: root, relay: relay, url: server.url, http: http)
                let fixture = DashboardFixture(
                    ui: ui, fra: fra, chn: chn, deu: deu, bra: bra, campaigns: [first.campaignID, latest.campaignID], undelivered: toBRA.id)
                let outcome: Result<Void, any Error>
                do { outcome = .success(try await body(fixture)) } catch { outcome = .failure(error) }
                try? await http.shutdown()
                await server.stop()
                try outcome.get()
            }
        }
    }

    /// Answers `poc`'s pending ping.
    static func answer(_ poc: TestPOC, _ relayKey: SigningPublicKey) async throws {
        let ping = try #require(try await poc.session.pings().first, "\(poc.id) has no pending ping")
        _ = try await poc.session.answer(ping, relayKey: relayKey)
    }
}

/// `poc ui`'s server for a home, run in-process until stopped.
struct UIServer {
    let url: URL
    let task: Task<Void, any Error>

    static func start(home: String) async throws -> UIServer {
        let configuration = PocUIConfiguration(home: PocHome(explicit: home, environment: [:]), lockAfter: .seconds(900))
        let quiet = {
            var logger = Logger(label: "poc-ui-dashboard-test")
            logger.logLevel = .critical
            return logger
        }()
        let (urls, continuation) = AsyncStream.makeStream(of: URL.self)
        let task = Task {
            defer { continuation.finish() }
            try await PocUIServer(configuration: configuration, logger: quiet).run(gracefulShutdownSignals: []) { continuation.yield($0) }
        }
        var iterator = urls.makeAsyncIterator()
        guard let url = await iterator.next() else {
            try await task.value
            throw UIFixtureError.serverDidNotStart
        }
        return UIServer(url: url, task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }
}

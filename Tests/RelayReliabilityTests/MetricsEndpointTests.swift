import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayTestSupport
import Sodium
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `poc-relay serve --metrics-port`: what an operator's Prometheus scrapes.
@Suite("poc-relay serve: the metrics endpoint counts disk-synced commits of submitted envelopes")
struct MetricsEndpointTests {
    @Test("envelopes submitted at once share commits; every accepted envelope is counted once")
    func commitCounters() async throws {
        let directory = try TemporaryDirectory(prefix: "poc-relay-metrics")
        defer { directory.remove() }
        let data = directory.file("data")
        let certificates = try DevCertificates.shared.get()
        #expect(try await RelayProcess.run(["init", "--data-dir", data]).status == 0)
        var tokens: [String] = []
        for state in ["FRA", "DEU"] {
            let invite = try await RelayProcess.run(["invite", "--data-dir", data, "--state", state, "--role", "technical"])
            try #require(invite.status == 0, "\(invite.stderr)")
            tokens.append(try #require(invite.stdout.split(separator: "\n").last.map(String.init)))
        }
        let (server, port) = try await RelayProcess.serve(
            dataDirectory: data, certificate: certificates.server.certificateChainPath, key: certificates.server.privateKeyPath,
            extra: ["--metrics-port", "0"])
        defer { server.send(SIGKILL) }
        let announced = await eventually(timeout: .seconds(30)) { AnnouncedPort.find(in: server.stderr, after: AnnouncedPort.metrics) != nil }
        try #require(announced, "no metrics port announced: \(server.stderr)")
        let metricsPort = try #require(AnnouncedPort.find(in: server.stderr, after: AnnouncedPort.metrics))
        let api = try RelayAPIClient(
            baseURL: URL(string: "https://127.0.0.1:\(port)")!, trust: .caFile(certificates.caFile), requestTimeout: .seconds(20))
        let metrics = try RelayAPIClient(baseURL: URL(string: "http://127.0.0.1:\(metricsPort)")!, trust: .systemStore)
        do {
            let relayID = try await api.relayInfo().relayID
            var pocs: [(id: POCID, identity: SigningKeyPair, boxKey: BoxPublicKey)] = []
            for token in tokens {
                let identity = SigningKeyPair(), boxKeys = BoxKeyPair()
                let enrolled = try await api.enrol(
                    EnrolRequest(
                        token: token, signingKey: identity.publicKey.rawRepresentation,
                        keyCertificate: KeyCertificate.issue(boxKey: boxKeys.publicKey, createdAt: .now(), identity: identity),
                        entry: details()))
                pocs.append((enrolled.pocID, identity, boxKeys.publicKey))
            }
            let (sender, recipient) = (pocs[0], pocs[1])
            let session = try await api.logIn(pocID: sender.id, identity: sender.identity, relayID: relayID).token
            let before = try await Self.counters(metrics)
            #expect(before["relay_submit_commits_total"] == 0 && before["relay_submit_committed_envelopes_total"] == 0, "\(before)")

            let count = 24
            let envelopes = try (0..<count).map { index in
                try Envelope.seal(
                    InnerMessage(from: sender.id, to: [recipient.id], urgency: .routine, subject: "metrics", body: "#\(index)"),
                    signer: sender.identity, recipientKeys: [recipient.id: recipient.boxKey])
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for envelope in envelopes { group.addTask { _ = try await api.submit(envelope, token: session) } }
                try await group.waitForAll()
            }
            _ = try await api.submit(envelopes[0], token: session)  // a resubmission is committed (and counted) again

            let counters = try await Self.counters(metrics)
            let commits = try #require(counters["relay_submit_commits_total"])
            #expect(counters["relay_submit_committed_envelopes_total"] == Double(count + 1))
            #expect(commits >= 2 && commits <= Double(count + 1), "\(commits) commits for \(count + 1) submissions")
            print("metrics: \(count + 1) submissions (\(count) at once) in \(Int(commits)) commits")
        } catch {
            try? await api.shutdown()
            try? await metrics.shutdown()
            throw error
        }
        try await api.shutdown()
        try await metrics.shutdown()
        server.send(SIGTERM)
        #expect(await server.waitForExit(timeout: .seconds(20)) == 0)
    }

    /// The relay's `relay_submit_*` samples from `GET /metrics`.
    static func counters(_ metrics: RelayAPIClient) async throws -> [String: Double] {
        let response = try await metrics.send(RawRequest("GET", "/metrics"))
        try #require(response.status == 200, "GET /metrics answered \(response.status)")
        var values: [String: Double] = [:]
        for line in String(decoding: response.body, as: UTF8.self).split(separator: "\n")
        where line.hasPrefix("relay_submit_") {
            let fields = line.split(separator: " ")
            if fields.count == 2, let value = Double(fields[1]) { values[String(fields[0])] = value }
        }
        return values
    }
}

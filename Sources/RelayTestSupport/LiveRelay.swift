public import Foundation
public import Logging
import NIOCore
public import RelayClient
import RelayProtocol
public import RelayServer
public import RelayService
import RelayStore
import ServiceLifecycle
import Sodium

/// A real relay on 127.0.0.1 (HTTPS with the dev CA by default) over a real
/// SQLite file in a temporary data directory, for the length of a test.
public final class LiveRelay: Sendable {
    /// The data directory (store and relay key).
    public let dataDirectory: String
    /// The relay's rules, for host operations (invites, campaigns, revocation).
    public let service: RelayService
    /// `https://127.0.0.1:PORT` (or `http://` without TLS).
    public let baseURL: URL
    /// How clients trust it.
    public let trust: RelayTrust

    init(dataDirectory: String, service: RelayService, baseURL: URL, trust: RelayTrust) {
        self.dataDirectory = dataDirectory
        self.service = service
        self.baseURL = baseURL
        self.trust = trust
    }

    /// Runs `body` with a live relay, then shuts it down gracefully. A new
    /// data directory is removed afterwards; a given one is kept.
    ///
    /// - Parameters:
    ///   - dataDirectory: An existing data directory to serve (a restart), or `nil` for a new one.
    ///   - tls: HTTPS with the dev CA (default) or plain HTTP on loopback.
    ///   - logger: Where the relay logs.
    ///   - clock: A clock the test moves forward, or the real time.
    ///   - configure: Adjusts the configuration (limits, rates).
    ///   - body: The test.
    public static func with<T: Sendable>(
        dataDirectory: String? = nil, tls: Bool = true, logger: Logger = Logger(label: "test-relay"), clock: TestClock? = nil,
        configure: (inout RelayServerConfiguration) -> Void = { _ in }, _ body: (LiveRelay) async throws -> T
    ) async throws -> T {
        let temporary = dataDirectory == nil ? try TemporaryDirectory() : nil
        defer { temporary?.remove() }
        let directory = dataDirectory ?? temporary!.path
        let keyPath = (directory as NSString).appendingPathComponent(RelayKeyFile.fileName)
        let key = FileManager.default.fileExists(atPath: keyPath) ? try RelayKeyFile.load(from: keyPath) : try RelayKeyFile.create(at: keyPath)
        let store = try RelayStore(path: (directory as NSString).appendingPathComponent("relay.sqlite"))
        var configuration = RelayServerConfiguration()
        configuration.port = 0
        configure(&configuration)
        var trust = RelayTrust.systemStore
        if tls {
            let files = try DevCertificates.shared.get()
            configuration.tls = files.server
            trust = .caFile(files.caFile)
        } else {
            configuration.tls = nil
        }
        let now: @Sendable () -> Date
        if let clock { now = { clock.now() } } else { now = { Date() } }
        let service = RelayService(store: store, relayKey: key, configuration: configuration.service, logger: logger, clock: now)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = try buildApplication(service: service, configuration: configuration, logger: logger) { channel in
            continuation.yield(channel.localAddress?.port ?? 0)
            continuation.finish()
        }
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let result: Result<T, any Error> = await withTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                // If the server fails before binding, end the port stream so the wait below ends too.
                do { try await group.run() } catch { continuation.finish() }
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                await group.triggerGracefulShutdown()
                return .failure(LiveRelayError.didNotStart)
            }
            let scheme = tls ? "https" : "http"
            let relay = LiveRelay(
                dataDirectory: directory, service: service, baseURL: URL(string: "\(scheme)://127.0.0.1:\(port)")!, trust: trust)
            let outcome: Result<T, any Error>
            do { outcome = .success(try await body(relay)) } catch { outcome = .failure(error) }
            await group.triggerGracefulShutdown()
            await tasks.waitForAll()
            return outcome
        }
        try store.close()
        return try result.get()
    }

    /// A new API client for this relay; shut it down after use.
    public func client() throws -> RelayAPIClient {
        try RelayAPIClient(baseURL: baseURL, trust: trust)
    }
}

/// Failures of the test harness itself.
public enum LiveRelayError: Error {
    case didNotStart
}

extension LiveRelay {
    /// ``with(dataDirectory:tls:logger:configure:_:)`` plus one API client for
    /// the relay, shut down after `body` whether it returns or throws.
    public static func withClient<T: Sendable>(
        dataDirectory: String? = nil, logger: Logger = Logger(label: "test-relay"), clock: TestClock? = nil,
        configure: (inout RelayServerConfiguration) -> Void = { _ in }, _ body: (LiveRelay, RelayAPIClient) async throws -> T
    ) async throws -> T {
        try await with(dataDirectory: dataDirectory, logger: logger, clock: clock, configure: configure) { relay in
            try await RelayAPIClient.using(baseURL: relay.baseURL, trust: relay.trust) { api in try await body(relay, api) }
        }
    }
}

extension RelayAPIClient {
    /// Runs `body` with a new client for `baseURL`, shut down afterwards whether it returns or throws.
    public static func using<T: Sendable>(baseURL: URL, trust: RelayTrust, _ body: (RelayAPIClient) async throws -> T) async throws -> T {
        let api = try RelayAPIClient(baseURL: baseURL, trust: trust)
        do {
            let result = try await body(api)
            try await api.shutdown()
            return result
        } catch {
            try? await api.shutdown()
            throw error
        }
    }
}

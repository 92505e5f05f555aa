import ArgumentParser
import CommandLineSupport
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOPosix
import Prometheus
import RelayAlerts
import RelayServer
import RelayService
import RelayStore
import ServiceLifecycle
import UnixSignals

/// `poc-relay serve`: runs the relay until SIGTERM or SIGINT, then finishes
/// in-flight requests and stops.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the relay over HTTPS (or plain HTTP on loopback behind a reverse proxy).",
        discussion: """
            Flags override the config file. TLS is the default: give --tls-cert and --tls-key, \
            or --http to serve plain HTTP on a loopback address only (for a TLS reverse proxy or tests).

            A port that another process holds (the relay's or --metrics-port) stops serve before it \
            opens the store, with one line `poc-relay: error: port P on HOST is already in use` and \
            exit status 75 (EX_TEMPFAIL: try again once the port is free; systemd's Restart=on-failure does).

            --ping-every starts ping campaigns on a schedule that is kept in the store, not in the process: \
            the next campaign is due one interval after the latest (scheduled, or started by hand with \
            `poc-relay ping start`), across restarts; one that fell due while the relay was down starts as soon \
            as it serves. Serving without it (and without ping_interval_seconds in the config file) turns the \
            schedule off. `poc-relay ping status` shows the latest campaign and when the next is due.

            Examples:
              poc-relay serve --host 0.0.0.0 --tls-cert fullchain.pem --tls-key privkey.pem
              poc-relay serve --data-dir /var/lib/poc-relay --http --port 8080
              poc-relay serve --config /etc/poc-relay/config.json --ping-every 182d
            """)

    /// The exit status when a port is held by another process (sysexits.h EX_TEMPFAIL).
    static let portInUseStatus: Int32 = 75

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "A JSON config file (see docs: keys host, port, tls_cert, tls_key, trusted_proxies, rate limits...).")
    var config: String?
    @Option(help: "Address to bind (default 127.0.0.1).") var host: String?
    @Option(help: "Port to bind (default 8443; 0 picks a free port).") var port: Int?
    @Option(help: "TLS certificate chain, PEM.") var tlsCert: String?
    @Option(help: "TLS private key, PEM.") var tlsKey: String?
    @Flag(help: "Serve plain HTTP, on a loopback address only.") var http = false
    @Option(help: "Serve Prometheus metrics on 127.0.0.1 at this port (off by default).") var metricsPort: Int?
    @Option(help: "Start a ping campaign this often, e.g. 182d (off by default; see `poc-relay ping status`).") var pingEvery: DurationArgument?
    @Option(help: "Believe X-Forwarded-For from this proxy address (repeatable).") var trustedProxy: [String] = []
    @Option(help: "Most connections open at once; more wait to be accepted (default 1000, 0: no limit).") var maxConnections: Int?
    @Option(help: "Most connections open at once from one client address (default 64, 0: no limit; trusted proxies exempt).")
    var maxConnectionsPerAddress: Int?
    @Option(help: "Log level: trace, debug, info, notice, warning, error.") var logLevel: String = "info"

    func run() async throws {
        let file = try config.map(RelayConfigFile.load) ?? RelayConfigFile()
        var configuration = file.serverConfiguration()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if let every = pingEvery?.seconds { configuration.pingCampaignIntervalSeconds = every }
        configuration.trustedProxies.formUnion(trustedProxy)
        if let maxConnections { configuration.maxConnections = maxConnections }
        if let maxConnectionsPerAddress { configuration.maxConnectionsPerAddress = maxConnectionsPerAddress }
        let certificate = tlsCert ?? file.tlsCert, key = tlsKey ?? file.tlsKey
        if http {
            guard certificate == nil, key == nil else { throw ValidationError("--http serves without TLS; drop --tls-cert and --tls-key") }
            configuration.tls = nil
        } else {
            guard let certificate, let key else {
                throw ValidationError(
                    "TLS needs --tls-cert and --tls-key (or --http on loopback behind a TLS reverse proxy); for development run certs/make-dev-certs.sh"
                )
            }
            configuration.tls = .init(certificateChainPath: certificate, privateKeyPath: key)
        }
        if http && !configuration.bindsLoopbackOnly {
            throw ValidationError("--http only binds a loopback address (127.0.0.1 or ::1), not \(configuration.host)")
        }

        // Before the store opens and any service starts, so that nothing else is said.
        try await Self.requireFree(host: configuration.host, port: configuration.port)
        if let metricsPort { try await Self.requireFree(host: "127.0.0.1", port: metricsPort) }

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "poc-relay")

        let service = try await data.openService(configuration: configuration.service, logger: logger)
        // Held until the process ends: `restore` refuses to replace files under a serving relay.
        guard let lock = try DataDirectoryLock.acquire(data.dataDir) else {
            try? service.store.close()
            throw CLIError("another poc-relay serve is running on \(data.dataDir) (it holds the data directory's lock)")
        }
        defer { withExtendedLifetime(lock) {} }
        let scheme = configuration.tls == nil ? "http" : "https"
        let relayID = service.relayID
        let (host, port, plain) = (configuration.host, configuration.port, configuration.tls == nil)
        let app = try buildApplication(service: service, configuration: configuration, logger: logger) { channel in
            let bound = channel.localAddress?.port ?? port
            writeError("poc-relay: serving \(scheme)://\(host):\(bound) (relay id \(relayID))\n")
            if plain {
                writeError("poc-relay: plain HTTP on loopback only; put a TLS reverse proxy in front\n")
            }
        }
        var services: [any Service] = [app]
        if let metricsPort {
            services.append(metricsApplication(registry: registry, port: metricsPort, logger: logger))
        }
        let group = ServiceGroup(
            configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            // Taken between the check above and the bind: still one line, naming the port
            // (the metrics port if that is the one held; ours are closed by now).
            try? service.store.close()
            if let metricsPort { try await Self.requireFree(host: "127.0.0.1", port: metricsPort) }
            Self.portInUse(host: host, port: port)
        }
        try service.store.close()
    }

    /// Exits with ``portInUseStatus`` and one line when `port` on `host` is
    /// held by another listener (0 is always free: the system picks one).
    static func requireFree(host: String, port: Int) async throws {
        guard port > 0 else { return }
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)  // as the server binds
                .bind(host: host, port: port).get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            portInUse(host: host, port: port)
        } catch {
            return  // another failure (a bad address, no permission) is the server's to report
        }
        try? await channel.close()
    }

    /// The one line for a port in use, then the exit.
    static func portInUse(host: String, port: Int) -> Never {
        writeError("poc-relay: error: port \(port) on \(host) is already in use\n")
        Foundation.exit(portInUseStatus)
    }

    /// A loopback-only application serving `GET /metrics` in Prometheus text format.
    func metricsApplication(registry: PrometheusCollectorRegistry, port: Int, logger: Logger) -> some Service {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                // With --metrics-port 0 the system picks the port: say which.
                let bound = channel.localAddress?.port ?? port
                writeError("poc-relay: metrics on http://127.0.0.1:\(bound)/metrics\n")
            }, logger: logger)
    }
}

/// The JSON config file of `serve --config`. Every key is optional.
struct RelayConfigFile: Decodable {
    var host: String?
    var port: Int?
    var tlsCert: String?
    var tlsKey: String?
    var trustedProxies: [String]?
    var publicRatePerSecond: Double?
    var publicBurst: Double?
    var pocRatePerSecond: Double?
    var pocBurst: Double?
    var idleTimeoutSeconds: Int64?
    var requestHeadTimeoutSeconds: Int64?
    var requestBodyTimeoutSeconds: Int64?
    var maxConnections: Int?
    var maxConnectionsPerAddress: Int?
    var maxRequestBodyBytes: Int?
    var pingIntervalSeconds: Int64?
    var pingDeadlineSeconds: Int64?
    var messageExpirySeconds: Int64?
    var metadataRetentionSeconds: Int64?
    var sessionLifetimeSeconds: Int64?
    /// By urgency: seconds, or null for never (section 10).
    var alertAfterSeconds: UrgencySeconds?
    /// By urgency: seconds (section 7); the audit and escalation use the same.
    var receiptWindowSeconds: UrgencySeconds?
    var alertsAllowLoopbackHTTP: Bool?
    var alertsAllowPrivateNetworks: Bool?
    var sendmail: String?
    var alertFrom: String?
    /// The first retry's delay of a failed alert, in seconds (default 15; each next one doubles).
    var alertRetryFirstSeconds: Int64?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case host, port, tlsCert = "tls_cert", tlsKey = "tls_key", trustedProxies = "trusted_proxies"
        case publicRatePerSecond = "public_rate_per_second", publicBurst = "public_burst"
        case pocRatePerSecond = "poc_rate_per_second", pocBurst = "poc_burst", idleTimeoutSeconds = "idle_timeout_seconds"
        case requestHeadTimeoutSeconds = "request_head_timeout_seconds", requestBodyTimeoutSeconds = "request_body_timeout_seconds"
        case maxConnections = "max_connections", maxConnectionsPerAddress = "max_connections_per_address"
        case maxRequestBodyBytes = "max_request_body_bytes"
        case pingIntervalSeconds = "ping_interval_seconds", pingDeadlineSeconds = "ping_deadline_seconds"
        case messageExpirySeconds = "message_expiry_seconds", metadataRetentionSeconds = "metadata_retention_seconds"
        case sessionLifetimeSeconds = "session_lifetime_seconds"
        case alertAfterSeconds = "alert_after_seconds", receiptWindowSeconds = "receipt_window_seconds"
        case alertsAllowLoopbackHTTP = "alerts_allow_loopback_http", alertsAllowPrivateNetworks = "alerts_allow_private_networks"
        case sendmail, alertFrom = "alert_from", alertRetryFirstSeconds = "alert_retry_first_seconds"
    }

    static func load(_ path: String) throws -> RelayConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read the config file \(path)") }
        let file: RelayConfigFile
        do { file = try JSONDecoder().decode(RelayConfigFile.self, from: data) } catch {
            throw CLIError("the config file \(path) is not valid: \(error)")
        }
        // A misspelt key would otherwise leave a limit at its default without a word.
        let known = Set(CodingKeys.allCases.map(\.stringValue))
        let keys = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?.keys.sorted() ?? []
        if let unknown = keys.first(where: { !known.contains($0) }) {
            throw CLIError("the config file \(path) has an unknown key \"\(unknown)\"; the keys are \(known.sorted().joined(separator: ", "))")
        }
        if let windows = file.receiptWindowSeconds, let urgency = windows.values.first(where: { $0.value == nil })?.key {
            throw CLIError("the config file \(path) gives receipt_window_seconds.\(urgency) as null; every urgency has a window, in seconds")
        }
        return file
    }

    func serverConfiguration() -> RelayServerConfiguration {
        var c = RelayServerConfiguration()
        if let host { c.host = host }
        if let port { c.port = port }
        c.trustedProxies = Set(trustedProxies ?? [])
        if let publicRatePerSecond { c.rateLimits.publicPerSecond = publicRatePerSecond }
        if let publicBurst { c.rateLimits.publicBurst = publicBurst }
        if let pocRatePerSecond { c.rateLimits.pocPerSecond = pocRatePerSecond }
        if let pocBurst { c.rateLimits.pocBurst = pocBurst }
        if let idleTimeoutSeconds { c.idleTimeoutSeconds = idleTimeoutSeconds }
        if let requestHeadTimeoutSeconds { c.requestHeadTimeoutSeconds = requestHeadTimeoutSeconds }
        if let requestBodyTimeoutSeconds { c.requestBodyTimeoutSeconds = requestBodyTimeoutSeconds }
        if let maxConnections { c.maxConnections = maxConnections }
        if let maxConnectionsPerAddress { c.maxConnectionsPerAddress = maxConnectionsPerAddress }
        if let maxRequestBodyBytes { c.maxRequestBodyBytes = maxRequestBodyBytes }
        c.pingCampaignIntervalSeconds = pingIntervalSeconds
        if let pingDeadlineSeconds { c.service.pingDeadline = pingDeadlineSeconds }
        if let messageExpirySeconds { c.service.messageExpiry = messageExpirySeconds }
        if let metadataRetentionSeconds { c.service.metadataRetention = metadataRetentionSeconds }
        if let sessionLifetimeSeconds { c.service.sessionLifetime = sessionLifetimeSeconds }
        if let alertAfterSeconds {
            for (urgency, seconds) in alertAfterSeconds.values { c.service.alertAfter[urgency] = seconds }
        }
        if let receiptWindowSeconds {
            for case (let urgency, let seconds?) in receiptWindowSeconds.values { c.service.receiptWindows[urgency] = seconds }
        }
        if let alertsAllowLoopbackHTTP { c.service.alertsAllowLoopbackHTTP = alertsAllowLoopbackHTTP }
        if let alertsAllowPrivateNetworks { c.service.alertsAllowPrivateNetworks = alertsAllowPrivateNetworks }
        if let sendmail { c.alerts.sendmailPath = sendmail }
        if let alertFrom { c.alerts.fromAddress = alertFrom }
        if let alertRetryFirstSeconds { c.alerts.firstRetryDelay = .seconds(max(1, alertRetryFirstSeconds)) }
        return c
    }
}

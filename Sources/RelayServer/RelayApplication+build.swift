public import Hummingbird
import HummingbirdCore
import HummingbirdTLS
public import Logging
import NIOCore
import NIOSSL
import RelayAlerts
public import RelayService
import ServiceLifecycle

/// Why the relay cannot start.
public struct RelayStartupError: Error, CustomStringConvertible {
    /// A one-line explanation with the fix.
    public let description: String
}

/// Builds the relay's HTTPS application.
///
/// - Parameters:
///   - service: The relay's rules over its store.
///   - configuration: Where to listen, TLS, client limits.
///   - logger: Structured logs (routing metadata only).
///   - onServerRunning: Called with the bound channel (tests read the port).
/// - Returns: The application, a `Service` to run in a `ServiceGroup`.
/// - Throws: ``RelayStartupError`` for plain HTTP off loopback or unreadable TLS files.
public func buildApplication(
    service: RelayService, configuration: RelayServerConfiguration, logger: Logger,
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) throws -> some ApplicationProtocol {
    let alerts = AlertSender(service: service, configuration: configuration.alerts, logger: logger)
    let router = buildRouter(service: service, configuration: configuration, alerts: alerts)
    let slots = AddressSlots(limit: configuration.maxConnectionsPerAddress, exempt: configuration.trustedProxies)
    let headTimeout = configuration.requestHeadTimeoutSeconds > 0 ? TimeAmount.seconds(configuration.requestHeadTimeoutSeconds) : nil
    let bodyTimeout = configuration.requestBodyTimeoutSeconds > 0 ? TimeAmount.seconds(configuration.requestBodyTimeoutSeconds) : nil
    let http1 = HTTPServerBuilder.http1(
        configuration: .init(
            additionalChannelHandlers: [
                ConnectionGuard(slots: slots, headTimeout: headTimeout, bodyTimeout: bodyTimeout), ParserErrorProblem(),
            ],
            idleTimeout: .seconds(configuration.idleTimeoutSeconds)))
    let server: HTTPServerBuilder
    if let tls = configuration.tls {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(tls.certificateChainPath).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: tls.privateKeyPath, format: .pem)
            var tlsConfiguration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            tlsConfiguration.minimumTLSVersion = .tlsv12
            server = try .tls(http1, tlsConfiguration: tlsConfiguration)
        } catch {
            throw RelayStartupError(
                description: "cannot load the TLS certificate or key (\(tls.certificateChainPath), \(tls.privateKeyPath)): \(error)")
        }
    } else {
        guard configuration.bindsLoopbackOnly else {
            throw RelayStartupError(
                description: "plain HTTP is only allowed on a loopback address, not \(configuration.host); give --tls-cert and --tls-key")
        }
        server = http1
    }
    var services: [any Service] = [
        PeriodicJob.retentionSweep(service: service, interval: .seconds(configuration.retentionSweepSeconds)),
        PeriodicJob.directoryWatch(service: service, interval: configuration.service.directoryRecheckInterval),
        alerts,
    ]
    // Always: without an interval it records that nothing is scheduled.
    services.append(PeriodicJob.pingCampaigns(service: service, interval: configuration.pingCampaignIntervalSeconds.map { .seconds($0) }))
    return Application(
        router: router, server: server,
        configuration: .init(
            address: .hostname(configuration.host, port: configuration.port), serverName: "poc-relay",
            availableConnectionsDelegate: configuration.maxConnections > 0
                ? MaximumAvailableConnections(configuration.maxConnections, logger: logger) : nil),
        services: services, onServerRunning: onServerRunning, logger: logger)
}

/// The routes of docs/protocol.md section 5, behind the problem renderer, metrics,
/// rate limits and, for all but the public endpoints, session authentication.
///
/// Rate limits (README, "Rate limits"): one bucket per client address for
/// the public endpoints, failed authentications and unknown routes, drawn
/// from before any credential is checked; one per POC once authenticated;
/// none for `GET /healthz`.
func buildRouter(service: RelayService, configuration: RelayServerConfiguration, alerts: AlertSender) -> Router<RelayRequestContext> {
    let router = Router(context: RelayRequestContext.self)
    // First, so that the problem renderer sees the limit too; it throws nothing.
    router.add(middleware: RequestLimitsMiddleware(maxBodyBytes: configuration.maxRequestBodyBytes))
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: MetricsMiddleware())
    let limits = configuration.rateLimits
    let addresses = AddressLimiter(rate: limits.publicPerSecond, burst: limits.publicBurst, trustedProxies: configuration.trustedProxies)
    let sessions = KnownSessions(retention: .seconds(max(60, configuration.service.sessionLifetime)))
    router.add(middleware: UnroutedRequestLimit(limiter: addresses))
    let publicController = PublicController(service: service)
    publicController.addHealthRoute(to: router)
    let publicRoutes = router.group().add(middleware: RateLimitMiddleware(scope: .clientAddress(addresses)))
    publicController.addRoutes(to: publicRoutes)
    AccessController(service: service, sessions: sessions).addRoutes(to: publicRoutes)
    let pocRoutes = router.group()
        .add(middleware: SessionAuthenticator(service: service, limiter: addresses, sessions: sessions))
        .add(middleware: RateLimitMiddleware(scope: .poc(TokenBuckets(rate: limits.pocPerSecond, burst: limits.pocBurst), addresses)))
    DirectoryController(service: service).addRoutes(to: pocRoutes)
    MessagesController(service: service).addRoutes(to: pocRoutes)
    PingsController(service: service).addRoutes(to: pocRoutes)
    AlertsController(service: service, sender: alerts).addRoutes(to: pocRoutes)
    return router
}

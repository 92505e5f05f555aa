public import Foundation
import Hummingbird
public import Logging
import NIOCore
public import PocKit
import ServiceLifecycle
public import Sodium
public import UnixSignals

/// The local web interface of `poc ui`: a Hummingbird server on 127.0.0.1
/// only, over the POC's own keys through PocKit. The browser is only a view;
/// every guard (Host, session, CSRF, CSP) is a middleware of this server.
public struct PocUIServer: Sendable {
    /// The configuration.
    public let configuration: PocUIConfiguration
    private let logger: Logger

    /// Creates the server; nothing listens until ``run(gracefulShutdownSignals:onReady:)``.
    public init(configuration: PocUIConfiguration, logger: Logger? = nil) {
        self.configuration = configuration
        var fallback = Logger(label: "poc-ui")
        fallback.logLevel = .warning
        self.logger = logger ?? fallback
    }

    /// Serves until one of `gracefulShutdownSignals` arrives or the task is
    /// cancelled, then zeroes the keys.
    /// - Parameter onReady: Called once listening, with the one-time login URL
    ///   (`http://127.0.0.1:PORT/login?token=...`).
    /// - Throws: a ``PocKit/PocError`` when the interface's files are missing or the port cannot be bound.
    /// - Parameter passphrase: Unlocks the keys before serving (`--passphrase-file`); a wrong one throws (77).
    /// - Parameter onLogin: Called once the one-time token has been exchanged for the session.
    public func run(
        gracefulShutdownSignals: [UnixSignal] = [.sigterm, .sigint], unlockingWith passphrase: SecretBytes? = nil,
        onLogin: @escaping @Sendable () -> Void = {}, onReady: @escaping @Sendable (URL) async -> Void
    ) async throws(PocError) {
        // The files first: a poc installed without them stops before asking for anything.
        let resources = try UIResources.load()
        let vault = KeyVault(home: configuration.home, lockAfter: configuration.lockAfter)
        if let passphrase { try await vault.unlock(passphrase: passphrase) }
        let state = try UIState(vault: vault, resources: resources)
        await state.sessions.whenLoggedIn(onLogin)
        let application = Application(
            router: Self.router(state: state),
            // Another local user's connections are closed before any byte is read.
            server: .http1(configuration: .init(additionalChannelHandlers: [LocalPeerGuard()])),
            configuration: .init(address: .hostname("127.0.0.1", port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                guard let port = channel.localAddress?.port else { return }
                state.bound(to: port)
                guard let token = await state.sessions.tokenForURL(), let url = URL(string: "http://127.0.0.1:\(port)/login?token=\(token)")
                else { return }
                await onReady(url)
            },
            logger: logger)
        let group = ServiceGroup(
            services: [application, IdleLock(vault: vault, interval: configuration.idleCheckInterval)],
            gracefulShutdownSignals: gracefulShutdownSignals, cancellationSignals: [], logger: logger)
        do {
            try await group.run()
        } catch {
            await vault.lock()
            throw PocError("the web interface stopped: \(error)", status: .unavailable)
        }
        await vault.lock()
    }

    /// Every route behind the guards, outermost first: the security headers on
    /// every answer, the Host, the language, error pages, the session, the CSRF token.
    static func router(state: UIState) -> Router<UIRequestContext> {
        let router = Router(context: UIRequestContext.self)
        router.add(middleware: SecurityHeaders())
        router.add(middleware: HostGuard(state: state))
        router.add(middleware: LanguageMiddleware())
        router.add(middleware: ErrorPages(state: state))
        router.add(middleware: SessionGuard(state: state))
        router.add(middleware: CSRFGuard(state: state))
        UIRoutes(state: state).add(to: router)
        return router
    }

    /// Every route as `(method, path)` (`("POST", "/message/{id}/open")`), for the tests that check each one's guards.
    static func routeList(state: UIState) -> [(method: String, path: String)] {
        router(state: state).routes.map { ($0.method.rawValue, $0.path.description) }
    }
}

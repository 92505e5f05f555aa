public import Hummingbird
public import NIOCore
public import RelayService

/// The request context: Hummingbird's core storage, the peer's address, and
/// the authenticated POC once `SessionAuthenticator` has run.
public struct RelayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The TCP peer (a reverse proxy, if there is one).
    public let peerAddress: SocketAddress?
    /// The authenticated caller, set by ``SessionAuthenticator``.
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress
        self.caller = nil
    }

    /// The largest request body read, in bytes: section 8's 2 MiB unless
    /// ``RelayServerConfiguration/maxRequestBodyBytes`` says otherwise
    /// (``RequestLimitsMiddleware`` sets it).
    public var maxUploadSize: Int = 2 << 20

    /// The authenticated caller, or 401.
    public func requireCaller() throws(RelayFailure) -> Caller {
        guard let caller else { throw .unauthorized }
        return caller
    }
}

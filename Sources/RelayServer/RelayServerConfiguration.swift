public import RelayAlerts
public import RelayService

/// Everything `buildApplication` needs to know: where to listen, how to do
/// TLS, the limits on clients, and the relay's rules.
///
/// A plain value with defaults; the library never reads the environment.
public struct RelayServerConfiguration: Sendable {
    /// TLS certificate chain and private key, PEM files.
    public struct TLSFiles: Sendable, Hashable {
        public var certificateChainPath: String
        public var privateKeyPath: String
        /// Creates the value.
        public init(certificateChainPath: String, privateKeyPath: String) {
            self.certificateChainPath = certificateChainPath
            self.privateKeyPath = privateKeyPath
        }
    }

    /// Request rates; a bucket refills at `perSecond` up to `burst`.
    public struct RateLimits: Sendable, Hashable {
        /// Public endpoints (enrol, challenge, session, relay info), per client address.
        public var publicPerSecond: Double = 20
        public var publicBurst: Double = 100
        /// Authenticated endpoints, per POC. Generous: a benchmark drives 16 POCs at
        /// hundreds of messages per second each.
        public var pocPerSecond: Double = 2000
        public var pocBurst: Double = 4000
        /// Creates the defaults.
        public init() {}
    }

    /// Address to bind; `127.0.0.1` by default.
    public var host: String = "127.0.0.1"
    /// Port to bind; 0 picks a free one (tests learn it from `onServerRunning`).
    public var port: Int = 8443
    /// TLS files, or `nil` for plain HTTP (only allowed on loopback).
    public var tls: TLSFiles?
    /// Peers whose `X-Forwarded-For` is believed (a reverse proxy), as IP strings.
    public var trustedProxies: Set<String> = []
    /// Request limits.
    public var rateLimits = RateLimits()
    /// Seconds an idle connection stays open (slow clients, half-open sockets);
    /// it also bounds the wait for the next request head on a kept-alive connection.
    public var idleTimeoutSeconds: Int64 = 75
    /// Seconds from a connection's opening (TLS handshake included) until its
    /// first request head is complete; a slower client is disconnected (0: no limit).
    public var requestHeadTimeoutSeconds: Int64 = 20
    /// Seconds from a request head until the end of its body (0: no limit).
    /// 120 s carries the largest body, 2 MiB, at about 140 kbit/s.
    public var requestBodyTimeoutSeconds: Int64 = 120
    /// Most connections open at once; further ones wait in the listen backlog
    /// until one closes (0: no limit). Keep it below the process's open-file limit.
    public var maxConnections: Int = 1000
    /// Most connections one client address may hold open at once; more are
    /// closed at once (0: no limit). Trusted proxies are exempt.
    public var maxConnectionsPerAddress: Int = 64
    /// Largest request body in bytes (section 8: 2 MiB).
    public var maxRequestBodyBytes: Int = 2 << 20
    /// Seconds between retention sweeps (each also truncates the WAL, so deleted ciphertext leaves the disk within this time).
    public var retentionSweepSeconds: Int64 = 600
    /// Seconds between automatic ping campaigns (about six months), or `nil` for none.
    public var pingCampaignIntervalSeconds: Int64?
    /// The relay's rules.
    public var service = RelayServiceConfiguration()
    /// How alerts are delivered (section 10).
    public var alerts = AlertDeliveryConfiguration()

    /// The defaults: loopback, port 8443, no TLS files (set them, or use plain HTTP on loopback).
    public init() {}

    /// True when `host` is a loopback address.
    public var bindsLoopbackOnly: Bool {
        host == "127.0.0.1" || host == "::1" || host == "localhost"
    }
}

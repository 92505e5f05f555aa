public import RelayProtocol

/// What the relay's rules allow, with the defaults of docs/protocol.md sections 6-8.
///
/// A plain value: the library never reads the environment; the `poc-relay`
/// executable fills it from flags and a config file.
public struct RelayServiceConfiguration: Sendable, Hashable {
    /// Body and recipient limits (section 8).
    public var limits: ProtocolLimits = .defaults
    /// How long a session token works, in seconds (1 hour).
    public var sessionLifetime: Int64 = 3600
    /// How long a login challenge works, in seconds (60 s).
    public var challengeLifetime: Int64 = 60
    /// How long an invitation works by default, in seconds (7 days).
    public var inviteLifetime: Int64 = 7 * 86_400
    /// When an unreceipted message's ciphertext is deleted, in seconds (30 days).
    public var messageExpiry: Int64 = 30 * 86_400
    /// How long routing metadata stays for audit, in seconds (400 days).
    public var metadataRetention: Int64 = 400 * 86_400
    /// How far ahead of the relay's clock a key certificate's `key_created_at`
    /// may be, in seconds (24 hours: clocks set to local time as if it were UTC).
    public var maxKeyClockSkew: Int64 = 86_400
    /// Time a POC has to answer a ping, in seconds (48 hours).
    public var pingDeadline: Int64 = 48 * 3600
    /// Longest long-poll wait a client may ask for, in seconds (60).
    public var maxInboxWait: Int = 60
    /// Most messages one inbox answer returns.
    public var maxInboxLimit: Int = 100
    /// How often the relay re-reads the directory version to see a change
    /// made by another process (`poc-relay revoke` while serving); its own
    /// changes take effect at once. See `SECURITY.md`, revocation.
    public var directoryRecheckInterval: Duration = .milliseconds(250)
    /// Most envelopes committed in one transaction (group commit).
    public var maxBatchSize: Int = 256
    /// Receipt windows in seconds by urgency (section 7).
    public var receiptWindows: [Urgency: Int64] = Dictionary(
        uniqueKeysWithValues: Urgency.allCases.map { ($0, $0.defaultReceiptWindowSeconds) })

    /// Seconds after acceptance until a message still unfetched alerts its
    /// recipient's channels, by urgency; an urgency absent here never alerts
    /// (section 10: flash 0, immediate 300, priority 3,600, routine never).
    public var alertAfter: [Urgency: Int64] = [.flash: 0, .immediate: 300, .priority: 3600]
    /// Whether a webhook may be `http://` to a loopback address (tests only).
    public var alertsAllowLoopbackHTTP = false
    /// Whether a webhook may point to a private or link-local network (a
    /// relay inside a ministry's network alerting an internal service).
    public var alertsAllowPrivateNetworks = false

    /// The defaults.
    public init() {}
}

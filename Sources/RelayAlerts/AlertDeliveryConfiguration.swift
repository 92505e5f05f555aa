/// How the relay delivers alerts (section 10): the e-mail program, the
/// sender address, timeouts, retries and concurrency.
///
/// A plain value with defaults; `poc-relay serve` fills it from its config
/// file (`sendmail`, `alert_from`).
public struct AlertDeliveryConfiguration: Sendable, Hashable {
    /// The sendmail-compatible program, invoked as `sendmail -i -- ADDRESS`
    /// with the message on standard input.
    public var sendmailPath = "/usr/sbin/sendmail"
    /// The `From` of alert e-mail, or nil for `POC Relay <poc-relay@HOSTNAME>`.
    public var fromAddress: String?
    /// How long one attempt may take (a webhook answer, a sendmail run).
    public var attemptTimeout: Duration = .seconds(10)
    /// How long a failing alert is retried (with backoff) before it is given up.
    public var retryFor: Duration = .seconds(3600)
    /// The first retry's delay; each next one doubles, up to ``maxRetryDelay``.
    public var firstRetryDelay: Duration = .seconds(15)
    /// The longest delay between two attempts.
    public var maxRetryDelay: Duration = .seconds(600)
    /// Most alerts being sent at once.
    public var maxConcurrentSends = 8
    /// Most alerts being sent at once to one destination (a webhook host, a
    /// mail domain), so that one dead receiver cannot take every slot.
    public var maxConcurrentSendsPerDestination = 2
    /// How long the sender waits after a wake-up before it looks at the
    /// store, gathering a burst of accepted messages into one pass.
    public var coalescingDelay: Duration = .milliseconds(200)
    /// How often the sender looks at the store when nothing woke it (a
    /// check made due by time alone, another process's changes).
    public var pollInterval: Duration = .seconds(1)

    /// The defaults.
    public init() {}
}

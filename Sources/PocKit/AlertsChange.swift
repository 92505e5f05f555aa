public import RelayProtocol

/// A change to a POC's alert settings: what `poc alerts set` and any other
/// front end ask ``PocClient/setAlerts(_:)`` to do. What is left out stays
/// as the relay holds it.
public struct AlertsChange: Sendable, Hashable {
    /// The e-mail channel's change.
    public var email: AlertChannelChange
    /// The webhook channel's change.
    public var webhook: AlertChannelChange
    /// The new urgencies, or nil to keep them.
    public var urgencies: [Urgency]?

    /// Whether it changes nothing.
    public var isEmpty: Bool { email == .keep && webhook == .keep && urgencies == nil }

    /// Creates the change from typed values.
    public init(email: AlertChannelChange = .keep, webhook: AlertChannelChange = .keep, urgencies: [Urgency]? = nil) {
        self.email = email
        self.webhook = webhook
        self.urgencies = urgencies
    }

    /// Reads a user's text: nil leaves a setting as it is, `none` or an empty
    /// text unsets a channel (``AlertChannelChange/init(text:)``), urgencies
    /// are comma-separated (``PocClient/parseAlertUrgencies(_:)``).
    /// - Throws: 64 when nothing is to change or the urgencies are not a
    ///   non-empty list of distinct urgencies.
    public init(email: String?, webhook: String?, urgencies: String?) throws(PocError) {
        self.init(
            email: AlertChannelChange(text: email), webhook: AlertChannelChange(text: webhook),
            urgencies: try urgencies.map { text throws(PocError) in try PocClient.parseAlertUrgencies(text) })
        try checkNotEmpty()
    }

    /// - Throws: 64 when the change changes nothing.
    func checkNotEmpty() throws(PocError) {
        guard !isEmpty else {
            throw PocError.usage("nothing to change", hint: "give an e-mail address, a webhook URL or the urgencies; none unsets a channel")
        }
    }

    /// The settings after the change, from the `current` ones.
    func applied(to current: AlertSettings) -> AlertSettings {
        AlertSettings(
            email: email.applied(to: current.email), webhook: webhook.applied(to: current.webhook), urgencies: urgencies ?? current.urgencies)
    }
}

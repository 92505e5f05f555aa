public import RelayProtocol

/// A POC's alert channels as the relay holds them, and how each fared:
/// what `poc alerts` shows.
public struct AlertsOverview: Sendable {
    /// One channel: its target and its record on the relay.
    public struct Channel: Sendable, Hashable {
        /// E-mail or webhook.
        public let channel: AlertChannel
        /// The address or URL set, or nil when unset (a channel with alerts
        /// still pending or sent before it was unset shows too).
        public let target: String?
        /// When it last took an alert, or nil.
        public let lastSentAt: Timestamp?
        /// When an attempt last failed, or nil.
        public let lastFailureAt: Timestamp?
        /// Why, in the relay's few words made safe to print (no control characters, at most 200), or nil.
        public let lastFailure: String?
        /// Alerts still to be sent or retried.
        public let pending: Int
    }

    /// The settings as stored.
    public let settings: AlertSettings
    /// Every set channel (e-mail first), then any other the relay has a record for.
    public let channels: [Channel]

    /// Whether no channel is set: the relay cannot reach this POC outside the relay.
    public var isUnreachable: Bool { settings.channels.isEmpty }

    /// Joins the settings and the status.
    public init(settings: AlertSettings, status: AlertChannelsStatus) {
        self.settings = settings
        var channels: [Channel] = []
        for channel in [AlertChannel.email, .webhook] {
            let target = channel == .email ? settings.email : settings.webhook
            let fact = status.channels.first { $0.channel == channel }
            guard target != nil || fact != nil else { continue }
            channels.append(
                Channel(
                    channel: channel, target: target, lastSentAt: fact?.lastSentAt, lastFailureAt: fact?.lastFailureAt,
                    lastFailure: fact?.lastFailure.map(Self.printable), pending: fact?.pending ?? 0))
        }
        self.channels = channels
    }

    /// The relay's text as one printable line: control and format characters
    /// dropped, at most 200 characters.
    static func printable(_ text: String) -> String {
        let kept = text.unicodeScalars.filter {
            $0.properties.generalCategory != .control && $0.properties.generalCategory != .format
        }
        let line = String(String.UnicodeScalarView(kept))
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }
}

/// What `POST /v1/alerts/me/test` did, with each failed channel's reason.
public struct AlertTestReport: Sendable {
    /// The channels that took the test alert.
    public let sent: [AlertChannel]
    /// The channels that did not, with the relay's record of the failure.
    public let failed: [AlertsOverview.Channel]
    /// Whether every set channel took it.
    public var allSent: Bool { failed.isEmpty }
}

import RelayProtocol

extension AlertsOverview.Channel {
    /// How a channel fares, from its record on the relay: what a front end
    /// shows beside it in one word.
    public enum Health: String, Sendable, Hashable {
        /// Its last attempt took (an alert was sent after the last failure, if any).
        case working
        /// Its last attempt failed: alerts do not reach the POC this way now.
        case failing
        /// Nothing was sent on it yet: a test alert shows whether it works.
        case untested
        /// Unset, with alerts still pending or an old record.
        case unset
    }

    /// The channel's health: unset without a target; else failing when the
    /// last failure is later than the last alert sent (or none was sent);
    /// working when an alert was sent since; untested when neither happened.
    public var health: Health {
        guard target != nil else { return .unset }
        switch (lastSentAt, lastFailureAt) {
        case (_, let failed?) where lastSentAt.map({ $0 < failed }) ?? true: return .failing
        case (.some, _): return .working
        default: return .untested
        }
    }
}

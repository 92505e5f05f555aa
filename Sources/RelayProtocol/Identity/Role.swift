/// A POC's role (seed A/78/265 Annex A para 7 a).
public enum Role: String, Hashable, Sendable, WireEnumeration, CustomStringConvertible {
    case diplomatic, technical, custodian
    public var description: String { rawValue }
}

/// How urgent a message is (seed background paper 34; appendix step 3).
///
/// `Comparable` runs from least to most urgent: `routine < priority <
/// immediate < flash`. Inboxes sort by ``rank`` (0 = most urgent).
public enum Urgency: String, Hashable, Sendable, WireEnumeration, Comparable, CustomStringConvertible {
    case routine, priority, immediate, flash

    /// Sort key for inboxes: 0 for flash, 3 for routine.
    public var rank: Int {
        switch self {
        case .flash: 0
        case .immediate: 1
        case .priority: 2
        case .routine: 3
        }
    }

    /// The default receipt window of section 7, in seconds.
    public var defaultReceiptWindowSeconds: Int64 {
        switch self {
        case .flash: 15 * 60
        case .immediate: 3600
        case .priority: 24 * 3600
        case .routine: 7 * 24 * 3600
        }
    }

    public static func < (lhs: Urgency, rhs: Urgency) -> Bool { lhs.rank > rhs.rank }
    public var description: String { rawValue }
}

/// The routing rule of section 3 (seed A/78/265 Annex A para 9).
public enum RoutingRule {
    /// One end of a message: the POC's state and role.
    public struct Party: Hashable, Sendable {
        public let state: StateCode
        public let role: Role
        /// Creates a party.
        public init(state: StateCode, role: Role) {
            self.state = state
            self.role = role
        }
    }

    /// Whether `sender` may message `recipient`: same role across states;
    /// any roles within one state; anyone to and from a custodian.
    public static func permits(from sender: Party, to recipient: Party) -> Bool {
        if sender.role == .custodian || recipient.role == .custodian { return true }
        if sender.state == recipient.state { return true }
        return sender.role == recipient.role
    }
}

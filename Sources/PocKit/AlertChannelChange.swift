import Foundation

/// What to do with one alert channel when changing a POC's alert settings.
///
/// The command line and any other front end read the user's text with
/// ``init(text:)`` so that both treat `none` and the empty text alike.
public enum AlertChannelChange: Sendable, Hashable {
    /// Keep the value the relay holds.
    case keep
    /// Unset the channel.
    case clear
    /// Set it to this address or URL (the relay checks it).
    case set(String)

    /// The words that clear a channel, compared without case.
    public static let clearingWords: Set<String> = ["none", ""]

    /// The change a user asked for: `nil` keeps the current value, `none`
    /// (any case) or an empty or blank text clears it, anything else sets it,
    /// trimmed of surrounding spaces.
    /// - Parameter text: The user's text, or nil when not given.
    public init(text: String?) {
        guard let text else {
            self = .keep
            return
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        self = Self.clearingWords.contains(trimmed.lowercased()) ? .clear : .set(trimmed)
    }

    /// The new value given the current one.
    func applied(to current: String?) -> String? {
        switch self {
        case .keep: current
        case .clear: nil
        case .set(let value): value
        }
    }
}

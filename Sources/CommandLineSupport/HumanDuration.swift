/// Durations as people write them on command lines: `90s`, `15m`, `48h`, `7d`.
public enum HumanDuration {
    /// The longest duration accepted: ten years. Longer ones are almost
    /// certainly typing mistakes, and would overflow time arithmetic.
    public static let maximumSeconds: Int64 = 10 * 366 * 86_400

    /// Seconds in `text`, or `nil` when it is not a positive whole number
    /// followed by `s`, `m`, `h` or `d`, or is longer than ten years.
    public static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, let value = Int64(text.dropLast()), value > 0 else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        default: return nil
        }
        let (seconds, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow, seconds <= maximumSeconds else { return nil }
        return seconds
    }

    /// `seconds` written back in the largest unit that divides it exactly
    /// (`182d`, `36h`, `15m`, `90s`), so that ``seconds(_:)`` reads it as the
    /// same duration; `0s` for zero or less.
    public static func text(_ seconds: Int64) -> String {
        guard seconds > 0 else { return "0s" }
        for (scale, unit) in [(Int64(86_400), "d"), (3600, "h"), (60, "m")] where seconds % scale == 0 {
            return "\(seconds / scale)\(unit)"
        }
        return "\(seconds)s"
    }
}

public import ArgumentParser

/// A duration option or argument written like `90s`, `15m`, `48h`, `7d` (at
/// most ten years), as both command lines take them.
public struct DurationArgument: ExpressibleByArgument, Sendable {
    /// The duration in seconds: positive, at most ``HumanDuration/maximumSeconds``.
    public let seconds: Int64

    /// Reads `argument` as ``HumanDuration/seconds(_:)`` does; `nil` (a usage
    /// error) when it is not such a duration.
    public init?(argument: String) {
        guard let seconds = HumanDuration.seconds(argument) else { return nil }
        self.seconds = seconds
    }
}

import Foundation

/// The ports `poc-relay serve` (and the benchmark's floor server) announce on
/// standard error, read back by tests and benchmarks that start them with
/// port 0.
public enum AnnouncedPort {
    /// `poc-relay: serving https://127.0.0.1:PORT (relay id …)`.
    public static let serving = "serving https://127.0.0.1:"
    /// `poc-relay: metrics on http://127.0.0.1:PORT/metrics`.
    public static let metrics = "metrics on http://127.0.0.1:"

    /// The port written right after `prefix` in `text`, once it is there.
    public static func find(in text: String, after prefix: String) -> Int? {
        guard let range = text.range(of: prefix) else { return nil }
        return Int(text[range.upperBound...].prefix { $0.isNumber })
    }
}

import Foundation
import Synchronization

/// Runs `body` repeatedly for about `seconds` and returns operations per second.
func operationsPerSecond(seconds: Double, _ body: () throws -> Void) rethrows -> Double {
    let clock = ContinuousClock()
    let budget = Duration.milliseconds(Int64(seconds * 1000))
    var count = 0
    let start = clock.now
    var elapsed = Duration.zero
    repeat {
        try body()
        count += 1
        elapsed = clock.now - start
    } while elapsed < budget
    return Double(count) / elapsed.seconds
}

/// Median, minimum and maximum of a sample.
struct Summary: Codable {
    let median: Double
    let min: Double
    let max: Double

    init(_ values: [Double]) {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        min = sorted.first ?? 0
        max = sorted.last ?? 0
    }
}

func format(_ value: Double, _ digits: Int = 0) -> String { String(format: "%.\(digits)f", value) }

extension Summary {
    /// `median (min-max)` with `digits` decimals.
    func text(_ digits: Int) -> String { "\(format(median, digits)) (\(format(min, digits))-\(format(max, digits)))" }
    /// `median (min-max)` in whole numbers.
    var text: String { text(0) }
}

/// The value at `fraction` (0...1) of a sample, nearest rank.
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = Int((fraction * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    /// The duration in milliseconds.
    var milliseconds: Double { seconds * 1000 }
}

/// A value shared between tasks behind a lock.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    init(_ value: Value) { mutex = Mutex(value) }

    func withLock<T>(_ body: (inout Value) -> T) -> T { mutex.withLock { body(&$0) } }
}

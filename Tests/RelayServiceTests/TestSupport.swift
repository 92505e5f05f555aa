import Testing

/// Waits until `condition` holds, checking every millisecond, for at most
/// `limit` (generous: a loaded machine is slow, but a broken one never gets there).
func eventually(
    within limit: Duration = .seconds(10), sourceLocation: SourceLocation = #_sourceLocation, _ condition: () async -> Bool
) async throws {
    let deadline = ContinuousClock.now + limit
    while !(await condition()) {
        guard ContinuousClock.now < deadline else {
            Issue.record("the condition did not hold within \(limit)", sourceLocation: sourceLocation)
            throw ConditionTimedOut()
        }
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// ``eventually(within:sourceLocation:_:)`` gave up.
struct ConditionTimedOut: Error {}

extension Sequence {
    /// The results of `transform` on each element, one after the other.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}

/// How long `body` takes.
func elapsed(_ body: () async throws -> Void) async rethrows -> Duration {
    let start = ContinuousClock.now
    try await body()
    return ContinuousClock.now - start
}

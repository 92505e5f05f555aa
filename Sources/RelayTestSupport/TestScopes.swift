public import Logging
public import RelayClient
public import RelayServer

/// Runs `body` with a fresh temporary directory, removed afterwards whatever happens.
///
/// - Parameters:
///   - prefix: The start of the directory's name, to tell test runs apart.
///   - body: The test, given the directory.
public func withTemporaryDirectory<T>(prefix: String = "poc-relay-test", _ body: (TemporaryDirectory) async throws -> T) async throws -> T {
    let directory = try TemporaryDirectory(prefix: prefix)
    defer { directory.remove() }
    return try await body(directory)
}

/// A live relay and one API client for it, both shut down after `body`
/// whether it returns or throws (see ``LiveRelay/withClient(dataDirectory:logger:clock:configure:_:)``).
///
/// - Parameters:
///   - dataDirectory: A data directory the test owns (kept afterwards), or `nil` for a new one that is removed.
///   - logger: Where the relay logs.
///   - clock: A clock the test moves forward, or the real time.
///   - configure: Adjusts the configuration (limits, rates).
///   - body: The test, given the relay and the client.
public func withRelay<T: Sendable>(
    dataDirectory: String? = nil, logger: Logger = Logger(label: "test-relay"), clock: TestClock? = nil,
    configure: (inout RelayServerConfiguration) -> Void = { _ in }, _ body: (LiveRelay, RelayAPIClient) async throws -> T
) async throws -> T {
    try await LiveRelay.withClient(dataDirectory: dataDirectory, logger: logger, clock: clock, configure: configure, body)
}

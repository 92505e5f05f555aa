import ArgumentParser

/// A scenario of `relay-benchmarks relay` that `--only` runs alone.
enum RelayScenario: String, CaseIterable, ExpressibleByArgument, Sendable {
    /// The real `poc-relay serve` in a child process: RSS idle and under load, CPU per message.
    case memory
    /// The paced submit-to-opened latency between two POCs of a relay of its own.
    case latency
    /// The transport floor: a bare Hummingbird server with the relay's TLS and HTTP/1.1 set-up.
    case floor
    /// The service path: `RelayService.submit` in process, without HTTP.
    case service
    /// Lean throughput and paced p99 on a relay of 18 POCs, each run one of each:
    /// the quickest before and after of a change to the submit path.
    case throughput
}

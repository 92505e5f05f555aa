import ArgumentParser

/// `relay-benchmarks`: measurements of POC Relay, run in release mode.
///
///     swift run -c release relay-benchmarks crypto [--runs 5] [--seconds 0.5] [--json FILE]
///     swift run -c release relay-benchmarks relay  [--runs 5] [--seconds 20] [--latency-seconds 10] [--concurrency 4]
///                                                  [--quick] [--no-growth] [--no-memory]
///                                                  [--only memory|latency|floor|service] [--json FILE]
///     swift run -c release relay-benchmarks limits [--runs 5] [--seconds 1] [--json FILE]
///     swift run -c release relay-benchmarks poc-inbox [--runs 10] [--json FILE]
///     swift run -c release relay-benchmarks alerts [--runs 5] [--messages 300] [--json FILE]
///     swift run -c release relay-benchmarks ui [--runs 50] [--entries 999] [--records 10000] [--json FILE]
///
/// `relay` starts a real relay over TLS on 127.0.0.1 in a temporary directory
/// and, for memory, the real `poc-relay serve` beside this binary (build it
/// with `swift build -c release`). Figures are medians of several runs; no
/// figure is ever asserted in a test. An unknown flag is refused with a usage
/// line and exit status 64.
@main
struct RelayBenchmarksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay-benchmarks",
        abstract: "Measurements of POC Relay, run in release mode (medians of several runs; never asserted in tests).",
        discussion: """
            Examples:
              swift run -c release relay-benchmarks crypto --json crypto.json
              swift build -c release && swift run -c release relay-benchmarks relay --json bench.json
              swift run -c release relay-benchmarks relay --only latency --runs 3
              swift run -c release relay-benchmarks limits
              swift build -c release && swift run -c release relay-benchmarks poc-inbox
              swift run -c release relay-benchmarks alerts
              swift run -c release relay-benchmarks ui
            """,
        subcommands: [
            CryptoCommand.self, RelayCommand.self, LimitsCommand.self, PocInboxCommand.self, AlertsCommand.self, UIPagesCommand.self,
            FloorServerCommand.self,
        ],
        defaultSubcommand: CryptoCommand.self
    )
}

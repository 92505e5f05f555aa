import ArgumentParser

/// `relay-benchmarks relay`: a real relay over TLS on 127.0.0.1, its
/// scenarios, the limits, the service path and the transport floor.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Throughput, latency, fan-out, pings, growth, memory and the transport floor of a real relay over TLS.",
        discussion: """
            The memory scenario runs the real `poc-relay serve` beside this binary: build it first with `swift build -c release`.
            A full run takes about 25 minutes; --quick is a short smoke run.
            """
    )

    @Option(help: "Runs of each scenario; the table shows their median (min-max). (default: 5)")
    var runs: Int?

    @Option(help: "Seconds of each throughput run. (default: 20)")
    var seconds: Double?

    @Option(help: "Seconds of each paced latency run. (default: 10)")
    var latencySeconds: Double?

    @Option(help: "Requests in flight per submitting POC. (default: 4)")
    var concurrency: Int?

    @Flag(help: "A short smoke run: 1 run of 3 s, growth to 1,000 POCs and 10,000 messages; the options above still apply.")
    var quick = false

    @Flag(help: "Skip the growth scenario (100, 1,000 and 10,000 POCs enrolled).")
    var noGrowth = false

    @Flag(help: "Skip the memory scenario and the transport floor.")
    var noMemory = false

    @Option(help: "Run this scenario alone.")
    var only: RelayScenario?

    @OptionGroup var output: JSONOutput

    func validate() throws {
        if let runs, runs < 1 { throw ValidationError("--runs must be at least 1.") }
        if let seconds, !(seconds > 0) { throw ValidationError("--seconds must be more than 0.") }
        if let latencySeconds, !(latencySeconds > 0) { throw ValidationError("--latency-seconds must be more than 0.") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1.") }
    }

    /// The options the flags give: `--quick` or the defaults, then each option given.
    var options: RelayBenchmarkOptions {
        var options = quick ? RelayBenchmarkOptions.quick : RelayBenchmarkOptions()
        if let runs { options.runs = runs }
        if let seconds { options.seconds = seconds }
        if let latencySeconds { options.latencySeconds = latencySeconds }
        if let concurrency { options.concurrency = concurrency }
        if noGrowth { options.growth = false }
        if noMemory { options.memory = false }
        options.only = only
        return options
    }

    func run() async throws {
        let report = try await RelayBenchmark(options: options).run()
        print(report.table)
        try output.write(report.json)
    }
}

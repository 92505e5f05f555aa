import ArgumentParser
import Foundation

/// `relay-benchmarks limits`: what the machine and the store alone can do.
struct LimitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limits",
        abstract: "Durable SQLite commits, crypto_box_seal per second and the relay's storage path without HTTP."
    )

    @Option(help: "Runs of each measurement; the table shows their median (min-max).")
    var runs = 5

    @Option(help: "Seconds of each run.")
    var seconds = 1.0

    @OptionGroup var output: JSONOutput

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard seconds > 0 else { throw ValidationError("--seconds must be more than 0.") }
    }

    func run() async throws {
        let report = try await LimitsBenchmark(runs: runs, secondsPerRun: seconds).run()
        print(report.table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try output.write(try encoder.encode(report))
    }
}

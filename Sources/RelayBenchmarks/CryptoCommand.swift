import ArgumentParser

/// `relay-benchmarks crypto`: seal and open through the Swift API and through
/// libsodium directly, in the same run.
struct CryptoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crypto",
        abstract: "Seal and open a 2 KiB message for 1, 10 and 193 recipients, Swift API against libsodium called directly."
    )

    @Option(help: "Runs of each measurement; the table shows their median (min-max).")
    var runs = 5

    @Option(help: "Seconds of each run.")
    var seconds = 0.5

    @OptionGroup var output: JSONOutput

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
        guard seconds > 0 else { throw ValidationError("--seconds must be more than 0.") }
    }

    func run() throws {
        let report = CryptoBenchmark(runs: runs, secondsPerRun: seconds).run()
        print(report.table)
        try output.write(report.json)
    }
}

import ArgumentParser
import Foundation
import RelayProtocol
import RelayService
import RelayTestSupport

/// `relay-benchmarks poc-inbox`: `poc inbox` end to end (process start
/// included) through the built `poc` beside this binary, against a real relay
/// on 127.0.0.1: with Argon2id and a passphrase file, after `poc unlock`, and
/// with `POC_INSECURE_FAST_KDF=1`, interleaved run by run.
struct PocInboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poc-inbox",
        abstract: "`poc inbox` wall time: Argon2id with a passphrase file, after `poc unlock`, and with the insecure fast KDF."
    )

    @Option(help: "Runs of each setup; the table shows their median (min-max).")
    var runs = 10

    @OptionGroup var output: JSONOutput

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1.") }
    }

    /// What `--json` writes: milliseconds per `poc inbox`, and the ratios of the medians.
    struct Report: Codable {
        let runs: Int
        let passphraseFileMs: Summary
        let unlockedMs: Summary
        let fastKDFMs: Summary
        let unlockedOverFastKDF: Double
        let passphraseFileOverFastKDF: Double

        enum CodingKeys: String, CodingKey {
            case runs
            case passphraseFileMs = "passphrase_file_ms"
            case unlockedMs = "unlocked_ms"
            case fastKDFMs = "fast_kdf_ms"
            case unlockedOverFastKDF = "unlocked_over_fast_kdf"
            case passphraseFileOverFastKDF = "passphrase_file_over_fast_kdf"
        }

        var table: String {
            """
            poc inbox, ms per command (process start included), median (min-max) of \(runs) runs
              (a) Argon2id, passphrase file, no agent  \(passphraseFileMs.text)
              (b) after poc unlock                     \(unlockedMs.text)
              (c) POC_INSECURE_FAST_KDF=1              \(fastKDFMs.text)
              b/c \(format(unlockedOverFastKDF, 2))   a/c \(format(passphraseFileOverFastKDF, 2))
            """
        }
    }

    func run() async throws {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("poc").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchmarkError("no poc beside this binary (build it: swift build --product poc)")
        }
        let report = try await withBenchRelay { relay, _, _ in try await measure(poc: binary, relay: relay) }
        print(report.table)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try output.write(try encoder.encode(report))
    }

    /// Enrols three homes (Argon2id twice, the fast KDF once), unlocks the
    /// second, and times `poc inbox` in each, one run of each in turn.
    func measure(poc binary: String, relay: LiveRelay) async throws -> Report {
        let directory = try TemporaryDirectory(prefix: "poc-inbox-bench")
        defer { directory.remove() }
        let passphraseFile = directory.file("passphrase")
        try Data("a long enough benchmark passphrase\n".utf8).write(to: URL(fileURLWithPath: passphraseFile))
        let tool = PocTool(binary: binary, folder: directory, passphraseFile: passphraseFile)
        let ca = try DevCertificates.shared.get().caFile
        let homes = [("fra", "FRA", false), ("deu", "DEU", false), ("ita", "ITA", true)]
        for (home, state, fast) in homes {
            try await tool.run(
                home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID], fast: fast)
            let invitation = try await invite(relay, state, .technical)
            try await tool.run(
                home,
                ["enrol", "--token", invitation.token, "--entity", "CERT \(state)", "--email", "\(home)@example.org", "--entry-language", "en"],
                fast: fast)
        }
        progress("poc-inbox: three homes enrolled; unlocking one")
        try await tool.run("deu", ["unlock", "--for", "1h"])
        var normal: [Double] = [], unlocked: [Double] = [], fastKDF: [Double] = []
        do {
            for index in 1...runs {
                normal.append(try await tool.time("fra", ["inbox"]))
                unlocked.append(try await tool.time("deu", ["inbox"], withFile: false))
                fastKDF.append(try await tool.time("ita", ["inbox"], fast: true))
                progress("poc-inbox: run \(index) of \(runs)")
            }
        } catch {
            try? await tool.run("deu", ["lock"], withFile: false)
            throw error
        }
        try await tool.run("deu", ["lock"], withFile: false)
        let a = Summary(normal), b = Summary(unlocked), c = Summary(fastKDF)
        return Report(
            runs: runs, passphraseFileMs: a, unlockedMs: b, fastKDFMs: c, unlockedOverFastKDF: b.median / c.median,
            passphraseFileOverFastKDF: a.median / c.median)
    }
}

import Foundation
import ProcessLaunch
import RelayTestSupport
import Testing

/// `poc-relay`'s help shows examples for every command, and its output never
/// crashes the tool nor is lost silently, whatever standard output is.
@Suite("poc-relay help and output", .timeLimit(.minutes(1)))
struct HostHelpAndOutputTests {
    /// Every command a custodian runs, as typed after `poc-relay`.
    static let commands: [[String]] = [
        [], ["init"], ["serve"], ["invite"], ["invites"], ["revoke"], ["states"], ["pocs"], ["ping"], ["ping", "start"],
        ["ping", "status"], ["audit"], ["audit", "pings"], ["audit", "delivery"], ["backup"], ["restore"], ["check"], ["health"],
    ]

    /// `poc-relay ARGS` under bash, its standard output redirected by `shell`
    /// (`>/dev/full`, `| true`), after the shell commands `before`; the status
    /// is poc-relay's own.
    static func runShell(
        _ shell: String, _ arguments: [String], before: String = "", in directory: TemporaryDirectory
    ) async throws -> CLIResult {
        let script = "{ \(before) \"$@\"; } \(shell); exit ${PIPESTATUS[0]}"
        let run = try await ChildProcess.run(
            executable: "/bin/bash", arguments: ["-c", script, "bash", try BuiltProduct.pocRelay().url.path] + arguments,
            environment: BuiltProduct.childEnvironment(), workingDirectory: directory.path, timeout: .seconds(15))
        return CLIResult(
            arguments: [shell] + arguments, status: run.status, stdout: String(decoding: run.standardOutput, as: UTF8.self),
            stderr: String(decoding: run.standardError, as: UTF8.self), timedOut: run.timedOut)
    }

    @Test("every command's --help has an Examples: part, without requirement ids", arguments: commands)
    func helpHasExamples(_ command: [String]) async throws {
        try await withTemporaryDirectory { directory in
            let help = try await runCLI(command + ["--help"], in: directory.path)
            #expect(help.status == 0, "\(help)")
            #expect(help.stdout.contains("Examples:"), "\(help)")
            #expect(help.stdout.firstMatch(of: /\(R\d+\)/) == nil, "\(help)")
            // Each example stays one line of the 80-column help: none is wrapped.
            let lines = help.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let examples = lines.drop { $0 != "Examples:" }.dropFirst().prefix { !$0.isEmpty }
            #expect(!examples.isEmpty, "\(help)")
            for example in examples { #expect(example.hasPrefix("  poc-relay "), "wrapped: \(example)") }
        }
    }

    @Test("a full disk is one `poc-relay: error: cannot write ...` line and status 74, for a command and for --help")
    func fullDisk() async throws {
        try await withTemporaryDirectory { directory in
            try await CLITests.initialise(directory)
            for arguments in [["states", "--data-dir", directory.file("data")], ["states", "--help"]] {
                let full = try await Self.runShell(">/dev/full", arguments, in: directory)
                #expect(full.status == 74, "\(full)")
                #expect(full.stderr == "poc-relay: error: cannot write to standard output: No space left on device\n", "\(full)")
            }
        }
    }

    @Test("a reader that went away (| head, quitting less) ends poc-relay quietly, as SIGPIPE, never by a crash")
    func closedPipe() async throws {
        try await withTemporaryDirectory { directory in
            try await CLITests.initialise(directory)
            for arguments in [["states", "--data-dir", directory.file("data")], ["pocs", "--data-dir", directory.file("data")], ["--help"]] {
                // The reader exits at once; poc-relay starts writing only after it has gone.
                let closed = try await Self.runShell("| true", arguments, before: "sleep 0.3;", in: directory)
                #expect(closed.status == 0 || closed.status == 141, "\(closed)")
                #expect(!closed.stderr.contains("Fatal error"), "\(closed)")
                #expect(!closed.stderr.contains("Illegal instruction"), "\(closed)")
                #expect(closed.stderr.isEmpty, "\(closed)")
            }
        }
    }
}

import CommandLineSupport
public import Foundation
public import PocKit
public import Sodium
import Synchronization

/// Where a `poc` command reads and writes: the process's environment, its
/// standard streams and terminal, or a test's captured buffers.
public struct PocEnvironment: Sendable {
    /// Environment variables (`POC_HOME`, `POC_PASSPHRASE_FILE`, `HOME`, `EDITOR`...).
    public var variables: [String: String]
    /// Writes one line to standard output.
    public var writeLine: @Sendable (String) -> Void
    /// Writes one line to standard error.
    public var errorLine: @Sendable (String) -> Void
    /// Reads all of standard input.
    public var readInput: @Sendable () -> Data
    /// Asks for a passphrase without echo; `nil` without a terminal; throws
    /// (status 130) when the user cancels.
    public var passphrasePrompt: @Sendable (String) throws(PocError) -> SecretBytes?
    /// Asks for a line of text; `nil` without a terminal, empty when the
    /// input ends there (Ctrl-D: the default answer, as Return gives).
    public var linePrompt: @Sendable (String) -> String?

    /// The environment of the running command.
    @TaskLocal public static var current: PocEnvironment = .live()

    /// The process's own environment and streams.
    public static func live() -> PocEnvironment {
        PocEnvironment(
            variables: ProcessInfo.processInfo.environment,
            writeLine: { line in StandardStreams.writeOutput(line + "\n", tool: "poc") },
            errorLine: { line in StandardStreams.writeError(line + "\n") },
            readInput: { StandardStreams.readAllInput() },
            passphrasePrompt: PassphraseSource.terminalPrompt,
            linePrompt: { prompt in
                guard isatty(STDIN_FILENO) == 1 else { return nil }
                StandardStreams.writeError(prompt)
                guard let line = readLine() else {
                    StandardStreams.writeError("\n")  // Ctrl-D: end the prompt's line
                    return ""
                }
                return line
            })
    }

    /// A captured environment for tests: input given, output collected.
    public static func captured(variables: [String: String], input: Data = Data()) -> (PocEnvironment, CapturedOutput) {
        let output = CapturedOutput()
        let environment = PocEnvironment(
            variables: variables, writeLine: { output.append(out: $0) }, errorLine: { output.append(err: $0) }, readInput: { input },
            passphrasePrompt: { _ in nil }, linePrompt: { _ in nil })
        return (environment, output)
    }

    /// Writes a line to standard output.
    public func write(_ line: String) { writeLine(line) }
    /// Writes a line to standard error.
    public func error(_ line: String) { errorLine(line) }
}

/// Output collected by a captured environment.
public final class CapturedOutput: Sendable {
    private let lines = Mutex<(out: [String], err: [String])>(([], []))

    /// Standard output so far.
    public var standardOutput: String { lines.withLock { $0.out.joined(separator: "\n") } }
    /// Standard error so far.
    public var standardError: String { lines.withLock { $0.err.joined(separator: "\n") } }

    func append(out line: String) { lines.withLock { $0.out.append(line) } }
    func append(err line: String) { lines.withLock { $0.err.append(line) } }
}

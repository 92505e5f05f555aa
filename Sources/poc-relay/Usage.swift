import ArgumentParser
import CommandLineSupport
import Foundation

/// A usage error with a hint: `poc-relay: error: ...` then `poc-relay: hint: ...`
/// on standard error; throw the result to exit 64 (EX_USAGE).
func usageError(_ message: String, hint: String? = nil) -> ExitCode {
    var text = "poc-relay: error: \(oneLine(message))\n"
    if let hint { text += "poc-relay: hint: \(oneLine(hint))\n" }
    writeError(text)
    return ExitCode(64)
}

/// Reads a duration option (`90s`, `30m`, `48h`, `7d`); a refusal says the format.
func durationOption(_ text: String) throws -> DurationArgument {
    guard let duration = DurationArgument(argument: text) else {
        throw ValidationError(
            "'\(text)' is not a duration: write a whole number and a unit, like 90s, 30m, 48h or 7d (at most ten years)")
    }
    return duration
}

/// Whether standard input is a terminal, where a person can answer a question.
var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

/// Asks a yes/no question on standard error and reads the answer from
/// standard input; only `y` or `yes` (any case) is yes, the default is no.
func confirm(_ question: String) -> Bool {
    writeError("\(question) [y/N] ")
    guard let answer = readLine() else {
        writeError("\n")
        return false
    }
    return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
}

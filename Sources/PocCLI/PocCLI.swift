import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit

/// The `poc` command line: parsing, running in a ``PocEnvironment``, and
/// turning failures into `poc: error: ...` lines with sysexits codes.
public enum PocCLI {
    /// Runs `poc` with `arguments` (without the program name) in `environment`.
    /// - Returns: The exit status.
    public static func run(_ arguments: [String], environment: PocEnvironment) async -> Int32 {
        await PocEnvironment.$current.withValue(environment) {
            do {
                var command = try Poc.parseAsRoot(try CommandPath.normalised(arguments, root: Poc.self))
                if var asyncCommand = command as? any AsyncParsableCommand {
                    try await asyncCommand.run()
                } else {
                    try command.run()
                }
                return 0
            } catch let error as PocError {
                environment.error("poc: error: \(error.message)")
                if let hint = error.hint { environment.error("poc: hint: \(hint)") }
                return error.status.rawValue
            } catch {
                let code = Poc.exitCode(for: error)
                if code == .success {
                    environment.write(Poc.fullMessage(for: error))
                } else {
                    environment.error("poc: error: \(oneLine(Poc.message(for: error)))")
                    if code.rawValue == PocError.ExitStatus.usage.rawValue {
                        environment.error("poc: hint: see `poc --help` or `poc COMMAND --help`")
                    }
                }
                return code.rawValue
            }
        }
    }

    /// The entry point of the `poc` executable.
    public static func main() async -> Never {
        let status = await run(Array(CommandLine.arguments.dropFirst()), environment: .live())
        exit(status)
    }
}

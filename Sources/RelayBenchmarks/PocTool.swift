import Foundation
import ProcessLaunch
import RelayTestSupport

/// The built `poc`, run with `--home` in a temporary folder, no terminal, and
/// the passphrase file or not. Launched through `ChildProcess` and `sh`, not
/// Foundation's `Process`, whose wait never ends after `poc unlock`: the
/// detached key agent keeps a descriptor `Process` waits on.
struct PocTool {
    let binary: String
    let folder: TemporaryDirectory
    let passphraseFile: String

    /// Runs `poc ARGUMENTS --home HOME` to completion; fails on a non-zero status.
    func run(_ home: String, _ arguments: [String], withFile: Bool = true, fast: Bool = false) async throws {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("POC_") }
        environment["HOME"] = folder.path
        if withFile { environment["POC_PASSPHRASE_FILE"] = passphraseFile }
        if fast { environment["POC_INSECURE_FAST_KDF"] = "1" }
        // Through sh with the standard streams on /dev/null: the key agent `poc unlock` leaves behind
        // must not hold the pipes this process waits on.
        let command = ([binary] + arguments + ["--home", folder.file(home)]).map { "'\($0)'" }.joined(separator: " ")
        let done = try await ChildProcess.run(
            executable: "/bin/sh", arguments: ["-c", "exec \(command) >/dev/null 2>&1 </dev/null"], environment: environment,
            timeout: .seconds(120))
        guard done.status == 0 else {
            throw BenchmarkError("poc \(arguments[0]) failed (\(done.status))")
        }
    }

    /// The wall time of `run` in milliseconds.
    func time(_ home: String, _ arguments: [String], withFile: Bool = true, fast: Bool = false) async throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try await run(home, arguments, withFile: withFile, fast: fast)
        return (clock.now - start).milliseconds
    }
}

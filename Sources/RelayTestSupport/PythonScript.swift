import Foundation

/// Runs a Python script as a child process and waits for it on a thread of
/// its own, never on Swift's cooperative pool.
///
/// The terminal tests drive the built `poc` through Python's pty module, and
/// that `poc` talks to a relay served in the test process. Waiting for the
/// script on a pool thread (`readDataToEndOfFile`, `waitUntilExit`) would
/// hold one of a 2-core machine's two pool threads for the whole dialogue,
/// and two such tests at once would hold both: the relay the children wait
/// for could not answer, and every other test's timers would stop with it.
public enum PythonScript {
    /// What the script printed and how it ended.
    public struct Result: Sendable {
        /// The exit status.
        public let status: Int32
        /// Its standard output, CR LF made LF (a pseudo-terminal writes CR LF).
        public let output: String
    }

    /// Runs `python3 -c script arguments...` with `environment`, its standard
    /// output read to the end; standard input and error are inherited.
    /// - Throws: When Python cannot be started.
    public static func run(_ script: String, arguments: [String], environment: [String: String]) async throws -> Result {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
            let thread = Thread {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
                    process.arguments = ["python3", "-c", script] + arguments
                    process.environment = environment
                    let pipe = Pipe()
                    process.standardOutput = pipe
                    try process.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    let output = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
                    continuation.resume(returning: Result(status: process.terminationStatus, output: output))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }
}

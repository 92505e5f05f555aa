import Foundation
import ProcessLaunch
import RelayTestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one run of `poc-relay` on a pseudo-terminal produced: standard
/// output and error both go to the terminal, so they come as one text.
struct TerminalResult: Sendable, CustomStringConvertible {
    let arguments: [String]
    let status: Int32
    let output: String
    let timedOut: Bool

    var description: String {
        "poc-relay \(arguments.joined(separator: " ")) on a terminal -> status \(status)\(timedOut ? " (timed out)" : "")\n--- output\n\(output)"
    }
}

/// Runs `poc-relay` with standard input, output and error on a new
/// pseudo-terminal, as a custodian at a terminal does; once `prompt` appears
/// in the output, types `answer` (a line; nothing when `nil`).
func runCLIOnTerminal(
    _ arguments: [String], in workingDirectory: String, typing answer: String?, after prompt: String, timeout: TimeInterval = 15
) async throws -> TerminalResult {
    let (master, terminal) = try openPseudoTerminal()
    defer { close(master) }
    let pid: pid_t
    do {
        pid = try Spawn.start(
            executable: try BuiltProduct.pocRelay().url.path, arguments: arguments, environment: BuiltProduct.childEnvironment(),
            workingDirectory: workingDirectory, stdin: terminal, stdout: terminal, stderr: terminal)
    } catch {
        close(terminal)
        throw error
    }
    close(terminal)
    _ = fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK)

    var output = Data()
    var typed = answer == nil
    var status: Int32?
    let deadline = Date().addingTimeInterval(timeout)
    func drain() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            output.append(contentsOf: buffer[0..<count])
        }
    }
    while Date() < deadline {
        drain()
        if !typed, let answer, String(decoding: output, as: UTF8.self).contains(prompt) {
            let line = Array((answer + "\n").utf8)
            _ = line.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            typed = true
        }
        if let ended = Spawn.exitStatus(pid) {
            status = ended
            break
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    if status == nil {
        kill(pid, SIGKILL)
        while Spawn.exitStatus(pid) == nil { try await Task.sleep(for: .milliseconds(10)) }
    }
    drain()
    // The terminal turns "\n" into "\r\n".
    let text = String(decoding: output, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    return TerminalResult(arguments: arguments, status: status ?? -1, output: text, timedOut: status == nil)
}

/// A pseudo-terminal failed to open.
struct PseudoTerminalFailure: Error, CustomStringConvertible {
    let step: String
    let code: Int32
    var description: String { "pseudo-terminal: \(step): \(String(cString: strerror(code)))" }
}

/// Opens a new pseudo-terminal pair through `/dev/ptmx` (Linux: the C
/// library's posix_openpt, grantpt and unlockpt are not visible to Swift).
/// - Returns: The controlling side and the terminal side, both close-on-exec.
func openPseudoTerminal() throws -> (master: Int32, terminal: Int32) {
    let master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard master >= 0 else { throw PseudoTerminalFailure(step: "open /dev/ptmx", code: errno) }
    // TIOCSPTLCK (unlock) and TIOCGPTN (the terminal's number), from <asm-generic/ioctls.h>.
    var unlock: Int32 = 0
    var number: UInt32 = 0
    guard ioctl(master, 0x4004_5431, &unlock) == 0, ioctl(master, 0x8004_5430, &number) == 0 else {
        let code = errno
        close(master)
        throw PseudoTerminalFailure(step: "unlock", code: code)
    }
    let terminal = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard terminal >= 0 else {
        let code = errno
        close(master)
        throw PseudoTerminalFailure(step: "open /dev/pts/\(number)", code: code)
    }
    return (master, terminal)
}

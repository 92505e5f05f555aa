public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's standard streams for both command lines, written with
/// `write(2)` so that no output can crash the tool.
///
/// Foundation's `FileHandle.write(_:)` traps (`try!`) when the reader has
/// gone, as after `poc read ID | head -1` or quitting `less`, and when the
/// disk is full. Here a closed pipe ends the process as `git log | head`
/// does, by `SIGPIPE` (status 141 in a shell), whether or not the signal was
/// ignored; any other failure to write standard output is one
/// `TOOL: error: cannot write to standard output: REASON` line and exit 74
/// (EX_IOERR). An interrupted call (`EINTR`) is retried.
public enum StandardStreams {
    /// EX_IOERR of sysexits(3): output could not be written.
    public static let ioErrorStatus: Int32 = 74

    /// Writes `text` to standard output, ending the process as described
    /// above when it cannot.
    /// - Parameter tool: The program name for the error line (`poc`, `poc-relay`).
    public static func writeOutput(_ text: String, tool: String) {
        let code = write(Array(text.utf8), to: STDOUT_FILENO)
        guard code != 0 else { return }
        if code == EPIPE { endByBrokenPipe() }
        _ = write(Array("\(tool): error: cannot write to standard output: \(String(cString: strerror(code)))\n".utf8), to: STDERR_FILENO)
        exit(ioErrorStatus)
    }

    /// Writes `text` to standard error; a closed pipe ends the process as on
    /// standard output, other failures are ignored (there is nowhere left to
    /// report them, and the exit status still tells).
    public static func writeError(_ text: String) {
        if write(Array(text.utf8), to: STDERR_FILENO) == EPIPE { endByBrokenPipe() }
    }

    /// All of standard input, retrying interrupted reads; what was read
    /// before an error (none when standard input is closed).
    public static func readAllInput() -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return data }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes all of `bytes` to `descriptor`, retrying interrupted and
    /// partial writes.
    /// - Returns: 0, or the `errno` of the write that failed.
    public static func write(_ bytes: [UInt8], to descriptor: Int32) -> Int32 {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if written < 0 && errno == EINTR { continue }
            if written < 0 { return errno }
            if written == 0 { return EIO }
            offset += written
        }
        return 0
    }

    /// Ends the process by `SIGPIPE` with its default action, as a tool
    /// that never ignored the signal would have ended at the write.
    public static func endByBrokenPipe() -> Never {
        signal(SIGPIPE, SIG_DFL)
        var pipeOnly = sigset_t()
        sigemptyset(&pipeOnly)
        sigaddset(&pipeOnly, SIGPIPE)
        pthread_sigmask(SIG_UNBLOCK, &pipeOnly, nil)
        raise(SIGPIPE)
        _exit(128 + SIGPIPE)
    }
}

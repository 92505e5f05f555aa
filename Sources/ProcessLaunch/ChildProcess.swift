public import Foundation
import Glibc

/// A child process started with ``Spawn`` (never Foundation's `Process`,
/// whose launch crashed and whose pipe reads trap on `EINTR` in busy test
/// processes).
///
/// Output is collected as it comes, on threads of its own, so blocking reads
/// never occupy the cooperative pool. The exit status is reaped once and kept,
/// so a signal is never sent to a reused pid.
public final class ChildProcess: @unchecked Sendable {  // mutable state is guarded by `lock`
    /// Where the child's standard input comes from.
    public enum Input: Sendable {
        /// `/dev/null`.
        case null
        /// These bytes, then end of file.
        case data(Data)
        /// This process's own standard input.
        case inherit
    }

    /// Where one of the child's output streams goes.
    public enum Output: Sendable {
        /// Collected into ``standardOutput`` or ``standardError``.
        case collect
        /// `/dev/null`.
        case discard
        /// This process's own stream.
        case inherit
    }

    /// The child's pid.
    public let pid: pid_t
    /// The arguments it was started with (without the executable).
    public let arguments: [String]

    private let lock = NSLock()
    private var status: Int32?
    private var collected: [Data] = [Data(), Data()]
    private let readers = DispatchGroup()

    /// Starts `executable` (an absolute path).
    /// - Parameters:
    ///   - environment: The child's whole environment.
    ///   - workingDirectory: Its working directory; this process's when `nil`.
    /// - Throws: ``Spawn/Failure`` when it cannot start.
    public init(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        input: Input = .null, standardOutput: Output = .collect, standardError: Output = .collect
    ) throws {
        self.arguments = arguments
        var parentEnds: [Int32?] = [nil, nil]
        var childEnds: [Int32] = []
        var toClose: [Int32] = []
        defer { for fd in toClose { close(fd) } }

        switch input {
        case .null:
            let fd = open("/dev/null", O_RDONLY | O_CLOEXEC)
            childEnds.append(fd)
            toClose.append(fd)
        case .inherit:
            childEnds.append(0)
        case .data(let bytes):
            let fd = try Self.unlinkedFile(holding: bytes)
            childEnds.append(fd)
            toClose.append(fd)
        }
        for (index, output) in [standardOutput, standardError].enumerated() {
            switch output {
            case .collect:
                let pipe = Spawn.pipe()
                parentEnds[index] = pipe.read
                childEnds.append(pipe.write)
                toClose.append(pipe.write)
            case .discard:
                let fd = open("/dev/null", O_WRONLY | O_CLOEXEC)
                childEnds.append(fd)
                toClose.append(fd)
            case .inherit:
                childEnds.append(Int32(index + 1))
            }
        }
        do {
            pid = try Spawn.start(
                executable: executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory,
                stdin: childEnds[0], stdout: childEnds[1], stderr: childEnds[2])
        } catch {
            for case let fd? in parentEnds { close(fd) }
            throw error
        }
        for (index, fd) in parentEnds.enumerated() {
            guard let fd else { continue }
            readers.enter()
            Thread { [self] in
                defer {
                    close(fd)
                    readers.leave()
                }
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { return }
                    lock.withLock { collected[index].append(contentsOf: buffer[0..<count]) }
                }
            }.start()
        }
    }

    /// A readable descriptor of an already unlinked temporary file holding `bytes`.
    private static func unlinkedFile(holding bytes: Data) throws -> Int32 {
        let fd = try Spawn.anonymousFile(in: NSTemporaryDirectory())
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let code = errno
                close(fd)
                throw Spawn.Failure(code: code)
            }
            offset += written
        }
        lseek(fd, 0, SEEK_SET)
        return fd
    }

    /// Standard output collected so far.
    public var standardOutput: Data { lock.withLock { collected[0] } }
    /// Standard error collected so far.
    public var standardError: Data { lock.withLock { collected[1] } }

    /// The exit status (128 + signal when killed) once the child has ended, else `nil`.
    public var exitStatus: Int32? {
        lock.withLock {
            if status == nil { status = Spawn.exitStatus(pid) }
            return status
        }
    }

    /// Whether the child still runs.
    public var isRunning: Bool { exitStatus == nil }

    /// Sends `signal` unless the child has already been reaped.
    public func send(_ signal: Int32) {
        lock.withLock {
            if status == nil { status = Spawn.exitStatus(pid) }
            if status == nil { _ = kill(pid, signal) }
        }
    }

    /// Waits up to `timeout` for the child to end, polling without blocking a thread.
    /// - Returns: Its exit status, or `nil` if it still runs.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exitStatus { return status }
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits for the child to end, however long it takes, polling without blocking a thread.
    /// - Returns: Its exit status.
    public func waitForExit() async -> Int32 {
        while true {
            if let status = exitStatus { return status }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Blocks the calling thread until the child ends (for synchronous callers).
    /// - Returns: Its exit status.
    public func waitUntilExit() -> Int32 {
        while true {
            if let status = exitStatus { return status }
            usleep(10_000)
        }
    }

    /// Waits up to `timeout` for the output streams to reach end of file (a
    /// grandchild holding them open must not hang the caller).
    public func waitForOutput(timeout: Duration = .seconds(5)) async {
        let group = readers
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                _ = group.wait(timeout: .now() + seconds)
                continuation.resume()
            }
        }
    }

    /// Kills the child if it still runs and waits for it.
    public func kill9() async {
        send(SIGKILL)
        _ = await waitForExit(timeout: .seconds(10))
    }

    /// What a run to completion produced.
    public struct Completion: Sendable {
        /// The exit status (128 + signal when killed).
        public let status: Int32
        /// Standard output.
        public let standardOutput: Data
        /// Standard error.
        public let standardError: Data
        /// Whether it was killed for running past its time.
        public let timedOut: Bool
    }

    /// Runs to completion, killing the child after `timeout`, and collects its output.
    public static func run(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        input: Input = .null, timeout: Duration = .seconds(60)
    ) async throws -> Completion {
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment, workingDirectory: workingDirectory, input: input)
        var timedOut = false
        var status = await child.waitForExit(timeout: timeout)
        if status == nil {
            timedOut = true
            child.send(SIGKILL)
            status = await child.waitForExit(timeout: .seconds(30))
        }
        await child.waitForOutput()
        return Completion(
            status: status ?? -1, standardOutput: child.standardOutput, standardError: child.standardError, timedOut: timedOut)
    }
}

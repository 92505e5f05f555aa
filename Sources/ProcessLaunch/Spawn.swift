import Foundation
public import Glibc

/// Starting a child process with `posix_spawn` directly: Foundation's
/// `Process.run()` crashed (memmove in its launch code) in test processes
/// holding many descriptors.
///
/// Descriptors made here are close-on-exec, and are made under the same lock
/// as every launch, so no child started by another thread inherits them in
/// between (which would keep a pipe open past its writer's end).
public enum Spawn {
    /// Why a child could not start.
    public struct Failure: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { "posix_spawn failed: \(String(cString: strerror(code)))" }
    }

    private static let launchLock = NSLock()

    /// A pipe whose two ends close on exec (the child gets only what is dup2'ed).
    public static func pipe() -> (read: Int32, write: Int32) {
        launchLock.withLock {
            var fds: [Int32] = [-1, -1]
            _ = Glibc.pipe(&fds)
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return (fds[0], fds[1])
        }
    }

    /// A close-on-exec descriptor of a new, already unlinked file in `directory`
    /// open for reading and writing.
    /// - Throws: ``Failure`` with the `errno` of `mkstemp`.
    public static func anonymousFile(in directory: String) throws -> Int32 {
        try launchLock.withLock {
            var template = Array((directory as NSString).appendingPathComponent("poc-child-XXXXXX").utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw Failure(code: errno) }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
            return fd
        }
    }

    private typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    /// glibc's `posix_spawn_file_actions_addchdir_np` (2.29+), which the Glibc module does not export.
    private static let addChdir: AddChdir? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: AddChdir.self) }

    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), also not exported by the Glibc module.
    private static let addCloseFrom: AddCloseFrom? = dlsym(
        UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"
    )
    .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// Starts `executable` with the given standard descriptors, and no other:
    /// every descriptor above 2 is closed in the child (where glibc can), so
    /// a child never holds the parent's listening sockets, connections or
    /// pipes (a relay's sendmail must not keep the relay's port open).
    /// - Parameter workingDirectory: The child's working directory; this process's when `nil`.
    /// - Returns: The child's pid.
    /// - Throws: ``Failure``.
    public static func start(
        executable: String, arguments: [String], environment: [String: String], workingDirectory: String? = nil,
        stdin: Int32, stdout: Int32, stderr: Int32
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        if let addCloseFrom {
            let code = addCloseFrom(&actions, 3)
            guard code == 0 else { throw Failure(code: code) }
        }
        if let workingDirectory {
            guard let addChdir else { throw Failure(code: ENOSYS) }
            let code = addChdir(&actions, workingDirectory)
            guard code == 0 else { throw Failure(code: code) }
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let code = launchLock.withLock { posix_spawn(&pid, executable, &actions, nil, argv, envp) }
        guard code == 0 else { throw Failure(code: code) }
        return pid
    }

    /// The exit status if the child has ended (128 + signal when killed), or `nil`.
    /// Reaps the child: call it again only while it returned `nil`.
    public static func exitStatus(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == 0 { return nil }
            if result < 0 {
                if errno == EINTR { continue }
                return -1
            }
            let signal = status & 0x7f
            return signal == 0 ? (status >> 8) & 0xff : 128 + signal
        }
    }
}

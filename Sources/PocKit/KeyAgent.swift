public import Foundation
public import Sodium

#if canImport(Glibc)
import Glibc
#endif

/// The write end of the agent's self-pipe, for its signal handler.
nonisolated(unsafe) private var agentSignalPipe: Int32 = -1

/// The key agent of `poc unlock`: a process of the user's that holds one
/// home's unlocked keys in memory until `poc lock`, its expiry or a signal,
/// and hands them to commands of the same uid over `agent/socket`.
///
/// It reads its keys from standard input (never from a file), says "ready"
/// on standard output once it listens, and then serves one connection at a
/// time. See SECURITY.md for the threat model.
public enum KeyAgent {
    /// Whether a peer of uid `peer` may talk to an agent of uid `own`:
    /// only the same uid (root included only for root's own agent).
    public static func admits(peer: uid_t, own: uid_t) -> Bool { peer == own }

    /// What `poc unlock` writes to the agent's standard input: the digest of
    /// `keys.poc` then the keys in their plaintext form.
    public static func handoff(_ keys: KeyRing, fileDigest: Data) -> SecretBytes {
        let plaintext = keys.plaintext()
        return SecretBytes(count: 32 + plaintext.count) { out in
            fileDigest.prefix(32).withUnsafeBytes { out.copyMemory(from: $0) }
            plaintext.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: out[32...]).copyMemory(from: $0) }
        }
    }

    /// The keys of `home` opened with the passphrase (never from an agent),
    /// and the handoff for a new agent (see ``handoff(_:fileDigest:)``).
    public static func unlock(_ home: PocHome, passphrase: PassphraseSource) throws(PocError) -> SecretBytes {
        let (keys, digest) = try KeyRing.opening(from: home, passphrase: passphrase)
        return handoff(keys, fileDigest: digest)
    }

    /// Runs the agent until lock, expiry or SIGTERM/SIGINT/SIGHUP.
    /// - Returns: The exit status (0 after a normal end).
    public static func serve(home: PocHome, seconds: Int64) -> Int32 {
        _ = setsid()
        guard var handoff = readHandoff() else { return 64 }
        let digest = handoff.withUnsafeBytes { Data($0.prefix(32)) }
        var material: SecretBytes? = handoff.withUnsafeBytes { SecretBytes(copying: UnsafeRawBufferPointer(rebasing: $0[32...])) }
        handoff = SecretBytes(count: 0) { _ in }
        material?.withUnsafeBytes { _ = mlock($0.baseAddress, $0.count) }
        guard (try? KeyRing(plaintext: material!, path: home.keysPath)) != nil else { return 65 }
        let expiry = Int64(time(nil)) + seconds

        guard let listener = listen(home) else { return 1 }
        var bound = stat()
        guard stat(home.agentSocketPath, &bound) == 0 else { return 1 }
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0 else { return 1 }
        agentSignalPipe = pipeEnds[1]
        for signal in [SIGTERM, SIGINT, SIGHUP] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                var byte: UInt8 = 1
                _ = write(agentSignalPipe, &byte, 1)
            }
            sigaction(signal, &action, nil)
        }
        signal(SIGPIPE, SIG_IGN)
        // Ready: tell `poc unlock`, then let go of its pipes.
        var ready = Array("ready\n".utf8)
        _ = write(STDOUT_FILENO, &ready, ready.count)
        let null = open("/dev/null", O_RDWR)
        if null >= 0 {
            for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] { dup2(null, fd) }
            close(null)
        }

        serving: while true {
            let now = Int64(time(nil))
            guard now < expiry else { break }
            var fds = [pollfd(fd: listener, events: Int16(POLLIN), revents: 0), pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)]
            // End when the socket is gone or replaced (the home removed, another agent).
            var current = stat()
            guard stat(home.agentSocketPath, &current) == 0, current.st_ino == bound.st_ino, current.st_dev == bound.st_dev else {
                break
            }
            // Wake at least every 15 s: the wall clock may jump (suspend), the home may go.
            let timeout = Int32(min(expiry - now, 15) * 1000)
            let ready = poll(&fds, 2, timeout)
            if ready < 0, errno == EINTR { continue }
            guard ready >= 0, fds[1].revents == 0 else { break }
            guard fds[0].revents != 0 else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            let locked = answer(connection, material: material!, digest: digest, expiry: expiry)
            close(connection)
            if locked { break serving }
        }
        material = nil  // zeroed by SecretBytes
        var current = stat()
        if stat(home.agentSocketPath, &current) == 0, current.st_ino == bound.st_ino, current.st_dev == bound.st_dev {
            unlink(home.agentSocketPath)
        }
        close(listener)
        return 0
    }

    /// Reads the handoff from standard input.
    private static func readHandoff() -> SecretBytes? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        defer { SecretBytes.zero(&buffer) }
        var count = 0
        while count < buffer.count {
            let got = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress!.advanced(by: count), $0.count - count) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            count += got
        }
        guard count > 32 + 69 else { return nil }
        return SecretBytes(copying: buffer[0..<count])
    }

    /// Makes `agent/` (0700, ours, not a link) and listens on `agent/socket` (0600).
    private static func listen(_ home: PocHome) -> Int32? {
        let folder = home.agentFolderPath
        if mkdir(folder, 0o700) != 0, errno != EEXIST { return nil }
        var info = stat()
        guard lstat(folder, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid() else { return nil }
        guard chmod(folder, 0o700) == 0 else { return nil }
        let path = home.agentSocketPath
        guard var address = AgentSocket.address(path) else { return nil }
        unlink(path)
        let fd = AgentSocket.socket()
        guard fd >= 0 else { return nil }
        let previousMask = umask(0o177)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        umask(previousMask)
        guard bound == 0, chmod(path, 0o600) == 0, Glibc.listen(fd, 16) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// Answers one connection; `true` when it asked to lock.
    private static func answer(_ fd: Int32, material: SecretBytes, digest: Data, expiry: Int64) -> Bool {
        AgentSocket.setTimeouts(fd, seconds: 2)
        guard let peer = AgentSocket.peerUID(fd), admits(peer: peer, own: getuid()) else { return false }
        var byte: UInt8 = 0
        guard withUnsafeMutableBytes(of: &byte, { AgentSocket.readFully(fd, $0) }), let request = AgentSocket.Request(rawValue: byte) else {
            return false
        }
        let payload = request == .keys ? material.count : 0
        let header = AgentSocket.header(expiry: expiry, digest: digest, payloadCount: payload)
        guard header.withUnsafeBytes({ AgentSocket.writeFully(fd, $0) }) else { return request == .lock }
        if request == .keys { _ = material.withUnsafeBytes { AgentSocket.writeFully(fd, $0) } }
        return request == .lock
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The Unix socket between a key agent and the commands of its home, and the
/// little framing both sides share.
///
/// A request is one byte (``Request``). An answer is `status (1) || expiry
/// (8, Unix seconds, big-endian) || digest of keys.poc (32) || length (4,
/// big-endian) || key material`; only a `keys` request gets key material.
enum AgentSocket {
    /// What a client asks.
    enum Request: UInt8 {
        /// The keys, for a command about to use them.
        case keys = 0x4B  // "K"
        /// When the agent expires, without the keys.
        case status = 0x53  // "S"
        /// Zero the keys and end.
        case lock = 0x4C  // "L"
    }

    /// The credentials the kernel recorded for the other end of a connection
    /// (`struct ucred`, read with `SO_PEERCRED`).
    struct PeerCredentials {
        var pid: pid_t = 0
        var uid: uid_t = 0
        var gid: gid_t = 0
    }

    /// The peer's uid, or `nil` when the kernel does not say.
    static func peerUID(_ fd: Int32) -> uid_t? {
        var credentials = PeerCredentials()
        var length = socklen_t(MemoryLayout<PeerCredentials>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0,
            length == socklen_t(MemoryLayout<PeerCredentials>.size)
        else { return nil }
        return credentials.uid
    }

    /// A Unix address for `path`, or `nil` when the path is too long for one.
    static func address(_ path: String) -> sockaddr_un? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return address
    }

    /// A new stream socket, close-on-exec.
    static func socket() -> Int32 {
        Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    }

    /// Sets both send and receive timeouts of `fd`.
    static func setTimeouts(_ fd: Int32, seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads exactly `buffer.count` bytes; `false` on end of file or error.
    static func readFully(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var done = 0
        while done < buffer.count {
            let got = read(fd, buffer.baseAddress!.advanced(by: done), buffer.count - done)
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return false }
            done += got
        }
        return true
    }

    /// Writes all of `bytes`; `false` on error.
    static func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let wrote = send(fd, bytes.baseAddress!.advanced(by: done), bytes.count - done, Int32(MSG_NOSIGNAL))
            if wrote < 0, errno == EINTR { continue }
            guard wrote > 0 else { return false }
            done += wrote
        }
        return true
    }

    /// The answer header: status 0, expiry, digest, payload length.
    static func header(expiry: Int64, digest: Data, payloadCount: Int) -> [UInt8] {
        var bytes: [UInt8] = [0]
        withUnsafeBytes(of: expiry.bigEndian) { bytes += $0 }
        bytes += digest.prefix(32)
        bytes += [UInt8](repeating: 0, count: 32 - min(digest.count, 32))
        withUnsafeBytes(of: UInt32(payloadCount).bigEndian) { bytes += $0 }
        return bytes
    }

    /// Size of ``header(expiry:digest:payloadCount:)``.
    static let headerCount = 1 + 8 + 32 + 4
}

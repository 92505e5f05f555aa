public import Foundation
import Sodium

#if canImport(Glibc)
import Glibc
#endif

/// A command's side of the key agent of a home (`poc unlock`): asks the agent
/// listening on `agent/socket` for the keys, its expiry, or to lock.
///
/// Every failure (no agent, a stale socket, an agent of another uid, keys
/// that no longer match `keys.poc`) reads as "no agent", so the command falls
/// back to the passphrase.
public struct KeyAgentClient: Sendable {
    /// The home whose agent this talks to.
    public let home: PocHome

    /// Creates a client for `home`'s agent.
    public init(home: PocHome) { self.home = home }

    /// What a running agent says about itself.
    public struct Status: Sendable {
        /// When it zeroes the keys and ends.
        public let expiresAt: Date
        /// The SHA-256 of the `keys.poc` it was unlocked from.
        let fileDigest: Data
    }

    /// The SHA-256 of `home`'s current `keys.poc` (empty when there is none).
    static func digest(ofKeysIn home: PocHome) -> Data {
        guard let blob = FileManager.default.contents(atPath: home.keysPath) else { return Data() }
        return SHA256.hash(blob)
    }

    /// The agent's keys, or `nil` when no agent of this uid answers with keys
    /// of the current `keys.poc` (an agent holding older keys is locked).
    public func keys() -> KeyRing? {
        guard let (status, material) = exchange(.keys), let material else { return nil }
        guard status.fileDigest == Self.digest(ofKeysIn: home), status.expiresAt > Date() else {
            _ = lock()
            return nil
        }
        return try? KeyRing(plaintext: material, path: home.keysPath)
    }

    /// The running agent's status, or `nil` when none answers.
    public func status() -> Status? {
        exchange(.status)?.status
    }

    /// Asks the running agent to zero its keys and end.
    /// - Returns: Whether an agent answered.
    public func lock() -> Bool {
        exchange(.lock) != nil
    }

    /// One request and its answer; `nil` when no agent of this uid answers.
    private func exchange(_ request: AgentSocket.Request) -> (status: Status, material: SecretBytes?)? {
        let path = home.agentSocketPath
        guard var address = AgentSocket.address(path) else { return nil }
        let fd = AgentSocket.socket()
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            // Nobody listens: the socket of an agent that died without cleaning up.
            if errno == ECONNREFUSED { unlink(path) }
            return nil
        }
        AgentSocket.setTimeouts(fd, seconds: 5)
        guard AgentSocket.peerUID(fd) == getuid() else { return nil }
        var byte = request.rawValue
        guard withUnsafeBytes(of: &byte, { AgentSocket.writeFully(fd, $0) }) else { return nil }
        var header = [UInt8](repeating: 0, count: AgentSocket.headerCount)
        guard header.withUnsafeMutableBytes({ AgentSocket.readFully(fd, $0) }), header[0] == 0 else { return nil }
        let expiry = header[1..<9].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        let digest = Data(header[9..<41])
        let length = header[41..<45].reduce(0) { $0 << 8 | Int($1) }
        let status = Status(expiresAt: Date(timeIntervalSince1970: TimeInterval(expiry)), fileDigest: digest)
        guard length > 0 else { return (status, nil) }
        guard length <= 4096 else { return nil }
        var complete = false
        let material = SecretBytes(count: length) { complete = AgentSocket.readFully(fd, $0) }
        return complete ? (status, material) : nil
    }
}

import Foundation
import Glibc
import NIOCore

/// Closes a connection that another local user opened: the session cookie of
/// 127.0.0.1 goes to every port of it (browsers do not isolate cookies by port),
/// so a server of another user on this machine can receive it; with this guard
/// the cookie is of no use to that user, nor is the login token. The owner of
/// the connecting socket is read from the kernel's table (`/proc/net/tcp`):
/// the row whose local end is the peer's address and whose remote end is ours.
/// A row not found (the peer already gone, no `/proc`) lets the connection
/// through: the other guards still apply.
final class LocalPeerGuard: ChannelInboundHandler, RemovableChannelHandler, Sendable {
    typealias InboundIn = NIOAny

    func handlerAdded(context: ChannelHandlerContext) {
        guard let peer = context.channel.remoteAddress, let local = context.channel.localAddress,
            let owner = Self.owner(peer: peer, local: local)
        else { return }
        if owner != getuid() { context.close(promise: nil) }
    }

    /// The user id owning the socket at `peer` connected to `local`, from `/proc/net/tcp`, if listed.
    static func owner(peer: SocketAddress, local: SocketAddress) -> uid_t? {
        guard case .v4 = peer, let peerKey = key(peer), let localKey = key(local),
            let table = procFile("/proc/net/tcp")
        else { return nil }
        return owner(in: table, peer: peerKey, local: localKey)
    }

    /// A file of `/proc`, read to its end (its size says 0, so it is read until `read` returns nothing).
    static func procFile(_ path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            bytes.append(contentsOf: chunk[..<count])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The uid column of the row `peer local ...` of a `/proc/net/tcp` table.
    static func owner(in table: String, peer: String, local: String) -> uid_t? {
        for line in table.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard columns.count > 7, columns[1] == peer, columns[2] == local else { continue }
            return uid_t(columns[7])
        }
        return nil
    }

    /// `0100007F:1F90` for 127.0.0.1:8080 on a little-endian machine: the
    /// address as the kernel prints it (its four bytes read as one word of this
    /// machine), and the port.
    static func key(_ address: SocketAddress) -> String? {
        guard case .v4 = address, let port = address.port, let text = address.ipAddress else { return nil }
        let bytes = text.split(separator: ".").compactMap { UInt8($0) }
        guard bytes.count == 4 else { return nil }
        let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
        return String(format: "%08X:%04X", word, port)
    }
}

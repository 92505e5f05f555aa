import Glibc
import NIOCore
import NIOPosix
import Testing

/// Real TCP listeners on 127.0.0.1 for transport tests (no HTTP is spoken).
enum Listeners {
    /// A port on 127.0.0.1 where nothing listens. A socket stays bound to it,
    /// without listening, for the rest of the test process: connections are
    /// refused, and no test running in parallel can take the port meanwhile
    /// (a port freed and returned could be).
    static func closedPort() async throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0, "socket: errno \(errno)")
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
                Glibc.bind(fd, generic, length) == 0 && getsockname(fd, generic, &length) == 0
            }
        }
        try #require(bound, "bind: errno \(errno)")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `body` with the port of a listener that accepts connections and
    /// never answers, then closes it.
    static func withSilentListener<T>(_ body: (Int) async throws -> T) async throws -> T {
        let channel = try await bind()
        let port = try #require(channel.localAddress?.port)
        do {
            let result = try await body(port)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    private static func bind() async throws -> any Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.eventLoop.makeSucceededVoidFuture() }
            .bind(host: "127.0.0.1", port: 0)
            .get()
    }
}

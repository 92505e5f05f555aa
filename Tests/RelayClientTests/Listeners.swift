import NIOCore
import NIOPosix
import Testing

/// Real TCP listeners on 127.0.0.1 for transport tests (no HTTP is spoken).
enum Listeners {
    /// A port on 127.0.0.1 where nothing listens: bound by a throwaway
    /// listener, which is closed before the port is returned.
    static func closedPort() async throws -> Int {
        let channel = try await bind()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
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

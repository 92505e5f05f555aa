import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// A raw TCP (optionally TLS) connection to the relay from a chosen loopback
/// source address, for clients that misbehave below HTTP: send a byte at a
/// time, or nothing at all.
///
/// Linux routes all of 127.0.0.0/8 to loopback, so `127.0.0.2`, `127.0.0.3`...
/// act as other client addresses.
final class RawConnection: Sendable {
    let channel: any Channel
    private let received: ReceivedBytes

    private init(channel: any Channel, received: ReceivedBytes) {
        self.channel = channel
        self.received = received
    }

    /// Connects to `127.0.0.1:port` from `source`.
    /// - Parameter tls: Do a TLS handshake first (without checking the certificate: attackers do not care).
    static func open(port: Int, from source: String, tls: Bool) async throws -> RawConnection {
        let received = ReceivedBytes()
        let sslContext = try tls ? NIOSSLContext(configuration: Self.insecureClient()) : nil
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(to: SocketAddress(ipAddress: source, port: 0))
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(Collector(received: received))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, received: received)
    }

    private static func insecureClient() -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        return configuration
    }

    /// Sends `bytes`; false when the connection is gone.
    @discardableResult
    func write(_ bytes: some Sequence<UInt8>) async -> Bool {
        guard channel.isActive else { return false }
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: Array(bytes))).get()
            return true
        } catch {
            return false
        }
    }

    /// True while the connection is open.
    var isOpen: Bool { channel.isActive }

    /// Waits until the relay (or anything) closes the connection; whether it did within `timeout`.
    func waitClosed(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while channel.isActive && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        return !channel.isActive
    }

    /// The bytes received so far, as text.
    var text: String { String(decoding: received.value, as: UTF8.self) }

    /// Closes the connection from our side.
    func close() async { try? await channel.close() }
}

/// Received bytes, shared between the event loop and the test.
final class ReceivedBytes: @unchecked Sendable {  // every access holds `lock`
    private let lock = NSLock()
    private var data = Data()
    func append(_ buffer: ByteBuffer) { lock.withLock { data.append(contentsOf: buffer.readableBytesView) } }
    var value: Data { lock.withLock { data } }
}

private final class Collector: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let received: ReceivedBytes
    init(received: ReceivedBytes) { self.received = received }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received.append(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

import NIOCore
import NIOHTTPTypes
import Synchronization

/// Open connections per client address, shared by every connection of one server.
///
/// A slot is taken when a connection opens and given back when it closes.
/// Trusted proxies are exempt: every client behind one shares its address.
final class AddressSlots: Sendable {
    private let open = Mutex<[String: Int]>([:])
    /// Most connections one address may hold open at once; 0 means no limit.
    let limit: Int
    /// Addresses without a limit (trusted reverse proxies).
    let exempt: Set<String>

    init(limit: Int, exempt: Set<String>) {
        self.limit = max(0, limit)
        self.exempt = exempt
    }

    /// Takes a slot for `address`; false when it already holds `limit` connections.
    func take(_ address: String) -> Bool {
        guard limit > 0, !exempt.contains(address) else { return true }
        return open.withLock { open in
            let count = open[address, default: 0]
            guard count < limit else { return false }
            open[address] = count + 1
            return true
        }
    }

    /// Gives back a slot taken with ``take(_:)``.
    func release(_ address: String) {
        guard limit > 0, !exempt.contains(address) else { return }
        open.withLock { open in
            let count = open[address, default: 0]
            if count <= 1 { open.removeValue(forKey: address) } else { open[address] = count - 1 }
        }
    }

    /// Connections `address` holds now (for tests and metrics).
    func count(_ address: String) -> Int { open.withLock { $0[address, default: 0] } }
}

/// The per-connection guard against slow and abusive clients, placed right
/// after HTTP decoding:
///
/// - a connection from an address that already holds its share of
///   connections (``AddressSlots``) is closed at once;
/// - the first request head must be complete within `headTimeout` of the
///   connection opening (TLS handshake included), so a client that sends its
///   headers a byte at a time, or never, is closed; later heads on a kept-alive
///   connection are bounded by the idle timeout;
/// - a request body must be complete within `bodyTimeout` of its head.
///
/// Hummingbird's idle timeout counts from the last HTTP part read, which a
/// client trickling bytes can defer at will; these are totals.
final class ConnectionGuard: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let slots: AddressSlots
    private let headTimeout: TimeAmount?
    private let bodyTimeout: TimeAmount?
    private var started = false
    private var slot: String?
    private var timer: Scheduled<Void>?

    init(slots: AddressSlots, headTimeout: TimeAmount?, bodyTimeout: TimeAmount?) {
        self.slots = slots
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            cancelTimer()
            arm(context, bodyTimeout)
        case .body:
            break
        case .end:
            cancelTimer()
        }
        context.fireChannelRead(data)
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        let address = context.channel.remoteAddress?.ipAddress ?? "unknown"
        guard slots.take(address) else {
            context.close(promise: nil)
            return
        }
        slot = address
        arm(context, headTimeout)
    }

    private func stop() {
        cancelTimer()
        if let slot { slots.release(slot) }
        slot = nil
    }

    private func arm(_ context: ChannelHandlerContext, _ timeout: TimeAmount?) {
        guard let timeout else { return }
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            self.timer = nil
            context.close(promise: nil)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
    }
}

@available(*, unavailable)
extension ConnectionGuard: Sendable {}

public import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP server on 127.0.0.1 (a port of the system's choosing) that
/// stands in for a POC's webhook in tests: it records every request it is
/// sent (method, path, headers, exact body bytes) and answers as told.
///
/// ```swift
/// let receiver = try await WebhookReceiver.start()
/// defer { Task { await receiver.stop() } }
/// // ... set receiver.url as a webhook, make the relay alert ...
/// let requests = try await receiver.waitForRequests(count: 1)
/// ```
///
/// The answer can be changed at any time with ``answer(with:)``; a request
/// is recorded when it has been read in full, before it is answered (so a
/// blackholed request is recorded too).
public final class WebhookReceiver: Sendable {
    /// How the receiver answers a request.
    public enum Answer: Sendable, Hashable {
        /// This status with an empty body (`.status(200)` by default).
        case status(Int)
        /// Never answers; the connection stays open until ``stop()``.
        case blackhole
        /// This status after a delay.
        case slow(Duration, status: Int)
        /// A redirect (e.g. 302) to `location`.
        case redirect(status: Int, location: String)
    }

    /// One request as received.
    public struct Request: Sendable {
        /// `POST`, `GET`, ...
        public let method: String
        /// The request target, e.g. `/hook?x=1`.
        public let uri: String
        /// The header fields in order, names as sent.
        public let headers: [(name: String, value: String)]
        /// The exact body bytes.
        public let body: Data

        /// The first value of a header field (name compared case-insensitively).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// Why a wait ended without the requests.
    public struct TimedOut: Error, CustomStringConvertible {
        /// How many requests had arrived.
        public let received: Int
        /// How many were awaited.
        public let expected: Int
        public var description: String { "webhook receiver: \(received) of \(expected) requests before the timeout" }
    }

    /// `http://127.0.0.1:PORT/hook`, the address to set as a webhook.
    public let url: URL
    /// The port the receiver listens on.
    public let port: Int

    private let serverChannel: any Channel
    private let state: Mutex<(answer: Answer, requests: [Request], open: [any Channel])>

    private init(serverChannel: any Channel, port: Int, answer: Answer) {
        self.serverChannel = serverChannel
        self.port = port
        self.url = URL(string: "http://127.0.0.1:\(port)/hook")!
        self.state = Mutex((answer, [], []))
    }

    /// Starts a receiver on 127.0.0.1.
    ///
    /// - Parameters:
    ///   - answer: How it answers until told otherwise (default `.status(200)`).
    ///   - port: The port to listen on; 0 (the default) lets the system choose. A
    ///     test that brings a receiver back on the port of an earlier one gives it.
    public static func start(answer: Answer = .status(200), port: Int = 0) async throws -> WebhookReceiver {
        let box = Mutex<WebhookReceiver?>(nil)
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                guard let receiver = box.withLock({ $0 }) else { return channel.close() }
                receiver.state.withLock { $0.open.append(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(RequestHandler(receiver: receiver))
                }
            }
        let channel = try await bootstrap.bind(host: "127.0.0.1", port: port).get()
        let receiver = WebhookReceiver(serverChannel: channel, port: channel.localAddress?.port ?? 0, answer: answer)
        box.withLock { $0 = receiver }
        return receiver
    }

    /// Changes how the following requests are answered.
    public func answer(with answer: Answer) { state.withLock { $0.answer = answer } }

    /// The requests received so far, in order of arrival.
    public var received: [Request] { state.withLock { $0.requests } }

    /// Waits until at least `count` requests have arrived and returns all of
    /// them, or throws ``TimedOut``.
    ///
    /// - Parameters:
    ///   - count: How many requests to wait for.
    ///   - timeout: How long to wait at most (generous by default for a loaded machine).
    public func waitForRequests(count: Int, timeout: Duration = .seconds(60)) async throws -> [Request] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let requests = received
            if requests.count >= count { return requests }
            if ContinuousClock.now >= deadline { throw TimedOut(received: requests.count, expected: count) }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Closes the listening socket and every open connection (blackholed ones included).
    public func stop() async {
        try? await serverChannel.close()
        let open = state.withLock { state in
            defer { state.open = [] }
            return state.open
        }
        for channel in open { try? await channel.close() }
    }

    fileprivate func record(_ request: Request) -> Answer {
        state.withLock { state in
            state.requests.append(request)
            return state.answer
        }
    }
}

/// Collects one request at a time and answers it as the receiver says.
private final class RequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let receiver: WebhookReceiver
    private var head: HTTPRequestHead?
    private var body = Data()

    init(receiver: WebhookReceiver) { self.receiver = receiver }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = Data()
        case .body(let buffer):
            body.append(contentsOf: buffer.readableBytesView)
        case .end:
            guard let head else { return }
            self.head = nil
            let request = WebhookReceiver.Request(
                method: head.method.rawValue, uri: head.uri, headers: head.headers.map { ($0.name, $0.value) }, body: body)
            switch receiver.record(request) {
            case .status(let status):
                respond(context: context, status: status, headers: [:])
            case .blackhole:
                break
            case .slow(let delay, let status):
                let nanoseconds = delay.components.seconds * 1_000_000_000 + delay.components.attoseconds / 1_000_000_000
                context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(nanoseconds)) {
                    self.respond(context: context, status: status, headers: [:])
                }
            case .redirect(let status, let location):
                respond(context: context, status: status, headers: ["Location": location])
            }
        }
    }

    private func respond(context: ChannelHandlerContext, status: Int, headers: [String: String]) {
        guard context.channel.isActive else { return }
        var fields = HTTPHeaders([("Content-Length", "0")])
        for (name, value) in headers { fields.add(name: name, value: value) }
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: fields)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}

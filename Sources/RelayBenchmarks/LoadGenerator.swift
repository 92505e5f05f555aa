import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RelayClient

/// A lean load generator for the throughput scenarios, in the manner of `wrk`
/// or `h2load`: one HTTP/1.1 keep-alive connection over TLS per in-flight
/// request, each writing a pre-encoded `POST /v1/messages` and reading only
/// the status of its answer before sending the next, all on its event loop.
///
/// AsyncHTTPClient (what `poc` uses) spends about as much CPU per request as
/// the relay does, so on two cores a load driven through it measures the
/// client as much as the relay. This one costs a small fraction of that, so
/// the figure is the relay's. The chain is verified against the relay's CA;
/// the host name is not (the benchmark connects to 127.0.0.1 by address).
struct LoadGenerator: Sendable {
    let host: String
    let port: Int
    let sslContext: NIOSSLContext

    init(target: Target) throws {
        guard let host = target.baseURL.host, let port = target.baseURL.port else {
            throw BenchmarkError("the load generator needs a URL with host and port, not \(target.baseURL)")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .noHostnameVerification
        if case .caFile(let path) = target.trust { tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(path)) }
        self.host = host
        self.port = port
        self.sslContext = try NIOSSLContext(configuration: tls)
    }

    /// The outcome of one connection's loop.
    struct Tally: Sendable {
        var accepted = 0
        /// Answers other than 201 by status (0: the connection failed).
        var others: [Int: Int] = [:]
    }

    /// Submits bodies from `queue` with `token` over a new connection until
    /// `deadline` or until the queue runs dry.
    func run(queue: BodyQueue, token: String, until deadline: NIODeadline) async -> Tally {
        let promise = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: Tally.self)
        let host = self.host
        let sslContext = self.sslContext
        let bootstrap = ClientBootstrap(group: promise.futureResult.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                    try sync.addHTTPClientHandlers()
                    try sync.addHandler(SubmitLoop(queue: queue, token: token, host: host, deadline: deadline, done: promise))
                }
            }
        bootstrap.connect(host: host, port: port).whenFailure { promise.fail($0) }
        do {
            return try await promise.futureResult.get()
        } catch {
            return Tally(accepted: 0, others: [0: 1])
        }
    }
}

/// Sends one request, waits for its whole answer, counts it, sends the next.
private final class SubmitLoop: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let queue: BodyQueue
    private let head: HTTPRequestHead
    private let deadline: NIODeadline
    private let done: EventLoopPromise<LoadGenerator.Tally>
    private var tally = LoadGenerator.Tally()
    private var status = 0
    private var finished = false

    init(queue: BodyQueue, token: String, host: String, deadline: NIODeadline, done: EventLoopPromise<LoadGenerator.Tally>) {
        var head = HTTPRequestHead(version: .http1_1, method: .POST, uri: "/v1/messages")
        head.headers.add(name: "Host", value: host)
        head.headers.add(name: "Content-Type", value: "application/json")
        head.headers.add(name: "Authorization", value: "Bearer \(token)")
        self.queue = queue
        self.head = head
        self.deadline = deadline
        self.done = done
    }

    func channelActive(context: ChannelHandlerContext) {
        sendNext(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let response):
            status = Int(response.status.code)
        case .body:
            break
        case .end:
            if status == 201 { tally.accepted += 1 } else { tally.others[status, default: 0] += 1 }
            sendNext(context: context)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        tally.others[0, default: 0] += 1
        finish(context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !finished { tally.others[0, default: 0] += 1 }
        finish(context: context)
    }

    private func sendNext(context: ChannelHandlerContext) {
        guard NIODeadline.now() < deadline, let body = queue.take() else {
            finish(context: context)
            return
        }
        var head = self.head
        head.headers.add(name: "Content-Length", value: String(body.count))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    private func finish(context: ChannelHandlerContext) {
        guard !finished else { return }
        finished = true
        done.succeed(tally)
        context.close(promise: nil)
    }
}

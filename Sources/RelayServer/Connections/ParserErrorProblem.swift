import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import RelayProtocol

/// Turns the empty 400 that Hummingbird writes when NIO's HTTP/1.1 parser
/// refuses a request (a repeated or invalid `Content-Length`, one sent with
/// `Transfer-Encoding`, a control character such as NUL in a header, a bad
/// chunk size) into an RFC 9457 problem saying which rule the request broke.
/// The connection still closes after it (`Connection: close`): the relay
/// cannot tell where a request it failed to parse ends.
///
/// It sits right after HTTP decoding, sees the parser's error on its way to
/// Hummingbird and rewrites the one answer that follows it, the 400 with
/// `Content-Length: 0`; every other part passes untouched. Nothing the client
/// sent is echoed.
final class ParserErrorProblem: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private var failure: HTTPParserError?

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError { failure = error }
        context.fireErrorCaught(error)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard let failure, case .head(var head) = unwrapOutboundIn(data), head.status == .badRequest,
            head.headerFields[.contentLength] == "0"
        else {
            context.write(data, promise: promise)
            return
        }
        self.failure = nil
        let body = ByteBuffer(bytes: Self.body(for: failure))
        head.headerFields[.contentType] = Problem.mediaType
        head.headerFields[.cacheControl] = "no-store"
        head.headerFields[.contentLength] = String(body.readableBytes)
        context.write(wrapOutboundOut(.head(head)), promise: promise)
        context.write(wrapOutboundOut(.body(body)), promise: nil)
    }

    /// The problem+json body for a parser refusal.
    static func body(for error: HTTPParserError) -> Data {
        let problem = Problem(
            status: 400, title: "Malformed request", detail: detail(for: error) + " The relay closes the connection.",
            type: "urn:poc-relay:problem:malformed-request")
        return (try? WireJSON.encode(problem)) ?? Data()
    }

    /// What the request broke, in words a client's author can act on.
    static func detail(for error: HTTPParserError) -> String {
        switch error {
        case .unexpectedContentLength:
            return "The request has Content-Length twice, or both Content-Length and Transfer-Encoding: send exactly one of them."
        case .invalidContentLength:
            return "The request's Content-Length is not a single decimal number."
        case .invalidHeaderToken:
            return "A header has a character HTTP does not allow there (a control character such as NUL, or a space before the colon)."
        case .headerOverflow:
            return "The request's headers are larger than the relay accepts."
        case .invalidChunkSize:
            return "The request's chunked body is not well-formed."
        case .invalidMethod, .invalidURL, .invalidVersion, .invalidConstant:
            return "The request line is not a well-formed HTTP/1.1 method, path and version."
        default:
            // NIO reports Content-Length with Transfer-Encoding, and a Transfer-Encoding
            // other than chunked, only as "unknown".
            return "The request is not well-formed HTTP/1.1 (for example Content-Length sent with Transfer-Encoding, "
                + "or a Transfer-Encoding other than chunked)."
        }
    }
}

@available(*, unavailable)
extension ParserErrorProblem: Sendable {}

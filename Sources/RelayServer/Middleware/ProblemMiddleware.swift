public import Hummingbird
import Logging
import NIOHTTP1
import RelayProtocol
import RelayService

/// The first middleware: every error, Hummingbird's own included, leaves as
/// `application/problem+json` with a detail a user can act on and nothing
/// internal.
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = RelayRequestContext

    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPParserError {
            throw error  // Hummingbird answers 400 and closes; ParserErrorProblem makes that a problem
        } catch let failure as RelayFailure {
            return RelayFailure.render(failure.problem, retryAfter: failure.retryAfterSeconds)
        } catch let error as HTTPError {
            return RelayFailure.render(Self.problem(for: error.status, request: request, context: context))
        } catch let error as any HTTPResponseError {
            return RelayFailure.render(Self.problem(for: error.status, request: request, context: context))
        } catch {
            context.logger.error("unhandled error", metadata: ["type": "\(type(of: error))"])
            return RelayFailure.render(
                Problem(
                    status: 500, title: "Internal error",
                    detail: "The relay failed to handle this request. Nothing was changed; try again, and tell the custodian if it persists.",
                    type: "urn:poc-relay:problem:internal"))
        }
    }

    /// A problem for a status Hummingbird produced itself. The path is the
    /// client's text: at most 64 printable ASCII characters of it are echoed.
    static func problem(for status: HTTPResponse.Status, request: Request, context: Context) -> Problem {
        let path = RelayFailure.printable(request.uri.path)
        switch status.code {
        case 404:
            return Problem(
                status: 404, title: "Not found",
                detail: "There is no \(request.method.rawValue) \(path) on this relay. See docs/protocol.md section 5.",
                type: "urn:poc-relay:problem:not-found")
        case 405:
            return Problem(
                status: 405, title: "Method not allowed", detail: "\(path) does not take \(request.method.rawValue).",
                type: "urn:poc-relay:problem:method-not-allowed")
        case 413:
            return RelayFailure.tooLarge("The request is larger than the relay accepts (\(context.maxUploadSize) bytes).").problem
        case 400..<500:
            return RelayFailure.badRequest("The request could not be read: check the body is JSON of the shape docs/protocol.md gives.").problem
        default:
            return Problem(
                status: status.code, title: status.reasonPhrase, detail: "The relay could not handle this request; try again.",
                type: "urn:poc-relay:problem:internal")
        }
    }
}

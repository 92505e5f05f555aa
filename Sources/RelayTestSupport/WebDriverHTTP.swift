import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A WebDriver command that failed: which command, and what the driver said.
public struct WebDriverError: Error, CustomStringConvertible {
    /// The command, e.g. `POST /session/…/element (find element "#send")`.
    public let command: String
    /// The W3C error code (`no such element`, `timeout`…), or `transport` / `protocol`.
    public let error: String
    /// The driver's message.
    public let message: String

    public var description: String { "webdriver: \(command) failed: \(error): \(message)" }
}

/// The HTTP exchange of one WebDriver command: JSON in, `{"value": …}` out.
enum WebDriverHTTP {
    /// Sends one command and returns its `value`.
    /// - Parameters:
    ///   - command: What the caller asked for, named in errors.
    ///   - timeout: Generous, for a loaded machine (page loads happen inside `navigate`).
    /// - Throws: ``WebDriverError`` naming the command and the driver's error and message.
    static func send(
        _ method: String, _ url: URL, body: WebDriverValue? = nil, command: String, timeout: Duration = .seconds(120)
    ) async throws(WebDriverError) -> WebDriverValue {
        let label = "\(method) \(url.path) (\(command))"
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
            do {
                request.body = .bytes(ByteBuffer(bytes: try body.encoded()))
            } catch {
                throw WebDriverError(command: label, error: "protocol", message: "cannot encode the parameters: \(error)")
            }
        }
        let status: HTTPResponseStatus
        let bytes: ByteBuffer
        do {
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout.components.seconds))
            status = response.status
            bytes = try await response.body.collect(upTo: 256 << 20)
        } catch {
            throw WebDriverError(command: label, error: "transport", message: "\(error)")
        }
        let value: WebDriverValue
        do {
            value = try WebDriverValue.decode(Data(bytes.readableBytesView))["value"]
        } catch {
            let text = String(buffer: bytes).prefix(500)
            throw WebDriverError(command: label, error: "protocol", message: "HTTP \(status.code) with no JSON: \(text)")
        }
        guard (200..<300).contains(status.code) else {
            throw WebDriverError(
                command: label, error: value["error"].string ?? "HTTP \(status.code)",
                message: value["message"].string ?? value.description)
        }
        return value
    }
}

import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A tiny web site on 127.0.0.1 for the WebDriver client's self-test: a
/// page with a form, links in a known focus order and a script of its own,
/// a cookie, and the page the form goes to.
struct TestPageServer {
    let url: URL
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    static let page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>WebDriver self-test</title>
        <style>body { font: 16px sans-serif; margin: 2em; } :focus { outline: 3px solid #c60; }</style></head>
        <body>
        <h1 id="heading" data-kind="title">Self-test</h1>
        <p id="language">Accept-Language: {{LANGUAGE}}</p>
        <ul><li>one</li><li>two</li><li>three</li></ul>
        <a id="first" href="#top">First</a>
        <form id="form" action="/form" method="get">
        <label for="name">Name</label> <input id="name" name="name" autocomplete="off">
        <button id="greet" type="button">Greet</button>
        </form>
        <p id="greeting"></p>
        <a id="last" href="#bottom">Last</a>
        <script>
        document.getElementById('greet').addEventListener('click', function () {
          document.getElementById('greeting').textContent = 'Hello, ' + document.getElementById('name').value;
        });
        </script>
        </body></html>
        """

    /// Starts it on a free port.
    static func start() async throws -> TestPageServer {
        let router = Router()
        router.get("/") { request, _ -> Response in
            let language = request.headers[.acceptLanguage] ?? "none"
            let html = page.replacingOccurrences(of: "{{LANGUAGE}}", with: language.replacingOccurrences(of: "<", with: ""))
            var response = Response(
                status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
            response.setCookie(Cookie(name: "visited", value: "yes", path: "/", httpOnly: true, sameSite: .strict))
            return response
        }
        router.get("/form") { request, _ -> Response in
            let name = (request.uri.queryParameters["name"].map(String.init) ?? "").filter { $0.isLetter }
            let html = "<!doctype html><html><head><title>Submitted</title></head><body><p id=\"submitted\">Form: \(name)</p></body></html>"
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
        }
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            })
        let logger = Logger(label: "browser-test-page")
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task {
            defer { continuation.finish() }
            try await group.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0, let url = URL(string: "http://127.0.0.1:\(port)/") else {
            await group.triggerGracefulShutdown()
            _ = await task.result
            throw CancellationError()
        }
        return TestPageServer(url: url, group: group, task: task)
    }

    /// Stops it gracefully.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}

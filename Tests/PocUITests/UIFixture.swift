import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PocCLI
import PocKit
import PocUI
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

/// A live relay with two enrolled POCs (`fra` sends, `deu` reads), and the web
/// interface of `deu`'s home served in-process on 127.0.0.1.
struct UIFixture {
    let root: TemporaryDirectory
    let relay: LiveRelay
    let url: URL
    let http: HTTPClient
    static let passphrase = "correct horse battery staple"

    var port: Int { url.port ?? 0 }
    var token: String { URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "token" }?.value ?? "" }
    func home(_ name: String) -> String { root.file(name) }

    /// `poc ARGS --home HOME` in-process, with the test passphrase; requires success.
    @discardableResult
    static func poc(
        _ root: TemporaryDirectory, _ home: String, _ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation
    )
        async -> String
    {
        let variables = ["POC_PASSPHRASE_FILE": root.file("passphrase"), "POC_INSECURE_FAST_KDF": "1", "HOME": root.path]
        let (environment, output) = PocEnvironment.captured(variables: variables)
        let status = await PocCLI.run(arguments + ["--home", root.file(home)], environment: environment)
        #expect(status == 0, "poc \(arguments.joined(separator: " ")): \(output.standardError)", sourceLocation: sourceLocation)
        return output.standardOutput
    }

    /// `poc init` and `poc enrol` for `home`; returns the POC id.
    static func enrol(_ root: TemporaryDirectory, _ relay: LiveRelay, _ home: String, state: String, role: Role) async throws -> String {
        await poc(
            root, home,
            [
                "init", "--server", relay.baseURL.absoluteString, "--ca", try DevCertificates.shared.get().caFile,
                "--relay-fingerprint", relay.service.relayID,
            ])
        let invite = try await relay.service.invite(state: try StateCode(state), role: role)
        let out = await poc(
            root, home,
            [
                "enrol", "--token", invite.token, "--entity", "\(state) CERT", "--email", "\(home)@example.org", "--languages", "en",
                "--entry-language", "en",
            ])
        let id = out.split(separator: " ").dropFirst(2).first.map(String.init) ?? ""
        #expect(POCID.isValid(id), "enrol printed: \(out)")
        return id
    }

    /// Runs `body` with the fixture; `prepare` sends messages before the interface starts.
    static func with(
        lockAfter: Duration = .seconds(900), idleCheckInterval: Duration = .seconds(15),
        prepare: (TemporaryDirectory, _ fra: String, _ deu: String) async throws -> Void = { _, _, _ in },
        _ body: (UIFixture) async throws -> Void
    ) async throws {
        try await LiveRelay.with { relay in
            let root = try TemporaryDirectory(prefix: "poc-ui")
            defer { root.remove() }
            _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(passphrase.utf8))
            let fra = try await enrol(root, relay, "fra", state: "FRA", role: .technical)
            let deu = try await enrol(root, relay, "deu", state: "DEU", role: .technical)
            try await prepare(root, fra, deu)
            let configuration = PocUIConfiguration(
                home: PocHome(explicit: root.file("deu"), environment: [:]), lockAfter: lockAfter, idleCheckInterval: idleCheckInterval)
            // Cancelling the server at the end logs the open connections' cancellation as errors.
            let quiet = {
                var logger = Logger(label: "poc-ui-test")
                logger.logLevel = .critical
                return logger
            }()
            let (urls, continuation) = AsyncStream.makeStream(of: URL.self)
            let server = Task {
                defer { continuation.finish() }
                try await PocUIServer(configuration: configuration, logger: quiet).run(gracefulShutdownSignals: []) { url in continuation.yield(url) }
            }
            var iterator = urls.makeAsyncIterator()
            guard let url = await iterator.next() else {
                try await server.value
                throw UIFixtureError.serverDidNotStart
            }
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let fixture = UIFixture(root: root, relay: relay, url: url, http: http)
            do {
                try await body(fixture)
            } catch {
                try? await http.shutdown()
                server.cancel()
                _ = await server.result
                throw error
            }
            try await http.shutdown()
            server.cancel()
            _ = await server.result
        }
    }

    /// One answer of the interface.
    struct Answer {
        let status: Int
        let headers: HTTPHeaders
        let body: String
        /// The value of cookie `name` in `Set-Cookie`, with the whole header line.
        func setCookie(_ name: String) -> (value: String, line: String)? {
            for line in headers["Set-Cookie"] where line.hasPrefix(name + "=") {
                let value = line.dropFirst(name.count + 1).prefix { $0 != ";" }
                return (String(value), line)
            }
            return nil
        }
    }

    /// A request to the interface; `host` replaces the Host header.
    func request(
        _ method: HTTPMethod = .GET, _ path: String, cookies: [String: String] = [:], headers: [(String, String)] = [],
        form: [(String, String)]? = nil, host: String? = nil
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        if let host { request.headers.replaceOrAdd(name: "Host", value: host) }
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let form {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let body = form.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 4 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }

    /// Logs in with the one-time token; returns the session cookie.
    func login() async throws -> String {
        let answer = try await request(.GET, "/login?token=\(token)")
        #expect(answer.status == 303, "\(answer.body)")
        return try #require(answer.setCookie("poc_session")?.value)
    }

    /// The CSRF token in a page's forms.
    static func csrf(in page: String) throws -> String {
        let marker = #"name="csrf" value=""#
        let start = try #require(page.range(of: marker), "no CSRF field in the page").upperBound
        return String(page[start...].prefix { $0 != "\"" })
    }

    /// Logs in and unlocks with the passphrase; returns the session cookie and CSRF token.
    func loginAndUnlock() async throws -> (cookie: String, csrf: String) {
        let cookie = try await login()
        let page = try await request(.GET, "/unlock", cookies: ["poc_session": cookie])
        #expect(page.status == 200)
        let csrf = try Self.csrf(in: page.body)
        let unlocked = try await request(
            .POST, "/unlock", cookies: ["poc_session": cookie], form: [("csrf", csrf), ("passphrase", Self.passphrase)])
        #expect(unlocked.status == 303, "\(unlocked.body)")
        #expect(unlocked.headers.first(name: "Location") == "/inbox")
        return (cookie, csrf)
    }
}

enum UIFixtureError: Error {
    case serverDidNotStart
}

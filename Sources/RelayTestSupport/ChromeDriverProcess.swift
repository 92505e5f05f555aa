public import Foundation
import Glibc
import ProcessLaunch

/// A `chromedriver` child process listening on a free port of 127.0.0.1,
/// started through ``ChildProcess`` (never Foundation's `Process`).
public final class ChromeDriverProcess: Sendable {
    /// The programs a browser test needs.
    public struct Tools: Sendable {
        /// The Chromium executable.
        public let chromium: String
        /// The chromedriver executable.
        public let chromedriver: String
    }

    /// Why the browser tests cannot run here.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// Why chromedriver did not start.
    public struct StartFailure: Error, CustomStringConvertible {
        public let description: String
    }

    /// `http://127.0.0.1:PORT`, where its WebDriver endpoint is.
    public let url: URL
    /// The port it listens on.
    public let port: Int
    /// The tools it runs.
    public let tools: Tools
    private let child: ChildProcess

    private init(url: URL, port: Int, tools: Tools, child: ChildProcess) {
        self.url = url
        self.port = port
        self.tools = tools
        self.child = child
    }

    /// Finds Chromium and chromedriver: the paths in `POC_CHROMIUM` and
    /// `POC_CHROMEDRIVER` when set, else on `PATH`, else in `/usr/bin`
    /// (Debian's `chromium` and `chromium-driver`).
    /// - Throws: ``Missing`` saying which is missing and how to install it.
    public static func findTools() throws(Missing) -> Tools {
        let environment = ProcessInfo.processInfo.environment
        let hint = "install Debian's chromium and chromium-driver (scripts/install-deps does)"
        guard let chromium = executable(named: ["chromium", "chromium-browser"], given: environment["POC_CHROMIUM"]) else {
            throw Missing(description: "no chromium in POC_CHROMIUM, on PATH or in /usr/bin; \(hint)")
        }
        guard let chromedriver = executable(named: ["chromedriver"], given: environment["POC_CHROMEDRIVER"]) else {
            throw Missing(description: "no chromedriver in POC_CHROMEDRIVER, on PATH or in /usr/bin; \(hint)")
        }
        return Tools(chromium: chromium, chromedriver: chromedriver)
    }

    /// `given` if set (and executable), else the first of `names` on `PATH` or in `/usr/bin`.
    private static func executable(named names: [String], given: String?) -> String? {
        if let given, !given.isEmpty { return ExecutableSearch.isExecutableFile(given) ? given : nil }
        return ExecutableSearch.find(anyOf: names, in: ProcessInfo.processInfo.environment["PATH"], then: ["/usr/bin"])
    }

    /// Starts chromedriver on a port it picks itself (`--port=0`, read back
    /// from its announcement) and waits until `GET /status` says it is ready.
    /// - Parameter timeout: How long to wait for it on a loaded machine.
    /// - Throws: ``Missing`` or ``StartFailure`` with what it printed.
    public static func start(tools: Tools? = nil, timeout: Duration = .seconds(60)) async throws -> ChromeDriverProcess {
        let tools = try tools ?? findTools()
        let child = try ChildProcess(
            executable: tools.chromedriver, arguments: ["--port=0", "--allowed-ips=127.0.0.1"],
            environment: BuiltProduct.childEnvironment())
        let deadline = ContinuousClock.now + timeout
        let announcement = "started successfully on port "
        var port: Int?
        while port == nil {
            let output = String(decoding: child.standardOutput, as: UTF8.self)
            port = AnnouncedPort.find(in: output, after: announcement)
            if port != nil { break }
            if let status = child.exitStatus {
                await child.waitForOutput()
                throw StartFailure(description: "chromedriver exited with status \(status) before listening: \(describe(child))")
            }
            if ContinuousClock.now >= deadline {
                await child.kill9()
                throw StartFailure(description: "chromedriver did not announce a port within \(timeout): \(describe(child))")
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard let port, let url = URL(string: "http://127.0.0.1:\(port)") else {
            await child.kill9()
            throw StartFailure(description: "chromedriver announced no usable port: \(describe(child))")
        }
        let driver = ChromeDriverProcess(url: url, port: port, tools: tools, child: child)
        while true {
            if let status = try? await WebDriverHTTP.send("GET", url.appendingPathComponent("status"), command: "status"),
                status["ready"].bool == true
            {
                return driver
            }
            if ContinuousClock.now >= deadline || !child.isRunning {
                await driver.stop()
                throw StartFailure(description: "chromedriver on port \(port) never said it was ready: \(describe(child))")
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// What chromedriver printed, for an error message.
    private static func describe(_ child: ChildProcess) -> String {
        let text = String(decoding: child.standardOutput + child.standardError, as: UTF8.self)
        return text.isEmpty ? "(nothing printed)" : text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// What chromedriver has printed so far.
    public var output: String { Self.describe(child) }

    /// Whether it still runs.
    public var isRunning: Bool { child.isRunning }

    /// Stops chromedriver: SIGTERM, then SIGKILL if it has not ended in 10 seconds.
    public func stop() async {
        child.send(SIGTERM)
        if await child.waitForExit(timeout: .seconds(10)) == nil { await child.kill9() }
        await child.waitForOutput(timeout: .seconds(2))
    }
}

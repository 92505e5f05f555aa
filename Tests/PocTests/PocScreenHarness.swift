import Foundation
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

/// The built `poc` binary over homes in one folder, run into a pipe or a pseudo-terminal.
struct PocScreen {
    let poc: BuiltProduct
    let relay: LiveRelay
    let homes: TemporaryDirectory
    let environment: [String: String]

    init(relay: LiveRelay) throws {
        poc = try BuiltProduct.named("poc")
        self.relay = relay
        homes = try TemporaryDirectory(prefix: "poc-screen")
        let passphrase = homes.file("passphrase")
        try Data("a long enough passphrase\n".utf8).write(to: URL(fileURLWithPath: passphrase))
        environment = BuiltProduct.childEnvironment(["POC_PASSPHRASE_FILE": passphrase, "POC_INSECURE_FAST_KDF": "1", "HOME": homes.path])
            .filter { $0.key != "NO_COLOR" && $0.key != "COLUMNS" }
    }

    /// `poc ARGS --home HOME` into pipes.
    func run(_ home: String, _ arguments: [String], input: String = "", timeout: Duration = .seconds(60)) async throws -> BuiltProduct.Run {
        try await poc.run(arguments + ["--home", homes.file(home)], environment: environment, input: Data(input.utf8), timeout: timeout)
    }

    /// Runs and requires success.
    @discardableResult
    func ok(
        _ home: String, _ arguments: [String], input: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) async throws
        -> BuiltProduct.Run
    {
        let result = try await run(home, arguments, input: input)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return result
    }

    /// `poc init` and `poc enrol`; returns the POC id.
    @discardableResult
    func enrol(_ home: String, state: String, entity: String) async throws -> String {
        let ca = try DevCertificates.shared.get().caFile
        try await ok(home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
        let invite = try await relay.service.invite(state: try StateCode(state), role: .technical)
        let enrolled = try await ok(
            home, ["enrol", "--token", invite.token, "--entity", entity, "--email", "\(home)@example.org", "--entry-language", "en"])
        return try #require(enrolled.standardOutput.split(separator: " ").dropFirst(2).first.map(String.init))
    }

    /// The message id `poc send` printed ("sent ID ...").
    func sent(_ run: BuiltProduct.Run) throws -> String {
        try #require(
            run.standardOutput.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init).first { (try? MessageID($0)) != nil },
            "\(run)")
    }

    /// `poc ARGS --home HOME` with standard output on a pseudo-terminal of
    /// `columns` columns (Python's pty module), `extra` over the environment.
    /// - Returns: The exit status and what the terminal showed, CR LF made LF.
    func onTerminal(
        _ home: String, _ arguments: [String], columns: Int = 80, extra: [String: String] = [:]
    ) async throws -> (
        status: Int32, screen: String
    ) {
        let script = """
            import fcntl, os, pty, struct, subprocess, sys, termios
            master, slave = pty.openpty()
            fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, int(sys.argv[1]), 0, 0))
            child = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.DEVNULL)
            os.close(slave)
            out = b""
            while True:
                try:
                    data = os.read(master, 65536)
                except OSError:
                    break
                if not data:
                    break
                out += data
            sys.stdout.buffer.write(out)
            sys.exit(child.wait())
            """
        let run = try await PythonScript.run(
            script, arguments: [String(columns), poc.url.path] + arguments + ["--home", homes.file(home)],
            environment: environment.merging(["TERM": "xterm-256color"]) { $1 }.merging(extra) { $1 })
        return (run.status, run.output)
    }

    func remove() { homes.remove() }
}

/// `text` without ANSI colour sequences.
func withoutColour(_ text: String) -> String {
    text.replacingOccurrences(of: "\u{1B}\\[[0-9;]*m", with: "", options: .regularExpression)
}

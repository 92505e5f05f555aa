import Foundation
import Glibc
import ProcessLaunch
import RelayProtocol
import RelayService
import RelayTestSupport
import Testing

/// Two POC homes (FRA and DEU) enrolled through the built `poc` against a
/// live relay over TLS, DEU having sent FRA an exercise FLASH with
/// TLP:AMBER, and `poc ui` of FRA's home run as a child.
struct UIHomes {
    static let passphrase = "a long enough passphrase"
    static let subject = "Outage at the exchange"

    let poc: BuiltProduct
    let homes: TemporaryDirectory
    /// The environment of every `poc` run: the fast test KDF, the passphrase file, HOME in the temporary folder.
    let environment: [String: String]

    /// Enrols the two homes with `relay` and sends the message; remove ``homes`` afterwards.
    static func make(relay: LiveRelay) async throws -> UIHomes {
        let homes = try TemporaryDirectory(prefix: "poc-ui-browser")
        try Data("\(passphrase)\n".utf8).write(to: URL(fileURLWithPath: homes.file("passphrase")))
        let environment = BuiltProduct.childEnvironment([
            "POC_PASSPHRASE_FILE": homes.file("passphrase"), "POC_INSECURE_FAST_KDF": "1", "HOME": homes.path,
        ])
        let fixture = UIHomes(poc: try BuiltProduct.named("poc"), homes: homes, environment: environment)
        let ca = try DevCertificates.shared.get().caFile
        for (home, state) in [("fra", "FRA"), ("deu", "DEU")] {
            try await fixture.run(home, ["init", "--server", relay.baseURL.absoluteString, "--ca", ca, "--relay-fingerprint", relay.service.relayID])
            let invite = try await relay.service.invite(state: try StateCode(state), role: .technical)
            try await fixture.run(
                home, ["enrol", "--token", invite.token, "--entity", "CERT \(state)", "--email", "\(home)@example.org", "--entry-language", "en"])
        }
        try await fixture.run(
            "deu", ["send", "--to", "FRA-TEC-1", "--urgency", "flash", "--tlp", "AMBER", "--exercise", "--subject", subject],
            input: "Please confirm you see this.")
        return fixture
    }

    /// `poc ARGS --home HOME`, required to succeed.
    @discardableResult
    func run(_ home: String, _ arguments: [String], input: String = "") async throws -> BuiltProduct.Run {
        let result = try await poc.run(arguments + ["--home", homes.file(home)], environment: environment, input: Data(input.utf8))
        try #require(result.status == 0, "\(result)")
        return result
    }

    /// Starts `poc ui --no-open` for FRA without the passphrase file and
    /// returns it with the login address of its first line.
    func startUI() async throws -> (ui: ChildProcess, login: URL) {
        var variables = environment
        variables["POC_PASSPHRASE_FILE"] = nil
        let ui = try ChildProcess(executable: poc.url.path, arguments: ["ui", "--no-open", "--home", homes.file("fra")], environment: variables)
        do {
            let line = try await Self.firstLine(of: ui)
            #expect(line.hasPrefix("http://127.0.0.1:"), "first line: \(line)")
            let login = try #require(URL(string: line), "not a URL: \(line)")
            return (ui, login)
        } catch {
            await ui.kill9()
            throw error
        }
    }

    /// Stops `poc ui` with SIGTERM as Ctrl-C would, expecting a clean exit.
    static func stop(_ ui: ChildProcess) async {
        ui.send(SIGTERM)
        let status = await ui.waitForExit(timeout: .seconds(30))
        #expect(status == 0, "poc ui: \(String(decoding: ui.standardError, as: UTF8.self))")
        if status == nil { await ui.kill9() }
    }

    /// The first line `poc ui` writes, once it is there.
    static func firstLine(of child: ChildProcess, timeout: Duration = .seconds(60)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while true {
            let output = String(decoding: child.standardOutput, as: UTF8.self)
            if let end = output.firstIndex(of: "\n") { return String(output[..<end]) }
            let failed = !child.isRunning || ContinuousClock.now >= deadline
            try #require(!failed, "poc ui printed no address: \(String(decoding: child.standardError, as: UTF8.self))")
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

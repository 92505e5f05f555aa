import Foundation
import PocCLI
import PocKit
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Testing

/// Runs `poc` in-process against homes in one temporary folder.
struct PocRunner {
    let root: TemporaryDirectory
    let relay: LiveRelay
    let passphraseFile: String

    init(relay: LiveRelay) throws {
        self.init(relay: relay, root: try TemporaryDirectory(prefix: "poc-homes"))
    }

    /// A runner over existing homes (a relay restarted on the same data).
    init(relay: LiveRelay, root: TemporaryDirectory) {
        self.relay = relay
        self.root = root
        passphraseFile = root.file("passphrase")
        if !FileManager.default.fileExists(atPath: passphraseFile) {
            _ = FileManager.default.createFile(atPath: passphraseFile, contents: Data("correct horse battery staple".utf8))
        }
    }

    func home(_ name: String) -> String { root.file(name) }

    var caFile: String {
        get throws { try DevCertificates.shared.get().caFile }
    }

    struct Result {
        let status: Int32
        let out: String
        let err: String
    }

    /// `poc ARGS --home HOME`, with the test passphrase and fast test KDF limits.
    func run(_ home: String, _ arguments: [String], input: String = "") async -> Result {
        let variables = ["POC_PASSPHRASE_FILE": passphraseFile, "POC_INSECURE_FAST_KDF": "1", "HOME": root.path]
        let (environment, output) = PocEnvironment.captured(variables: variables, input: Data(input.utf8))
        let status = await PocCLI.run(arguments + ["--home", self.home(home)], environment: environment)
        return Result(status: status, out: output.standardOutput, err: output.standardError)
    }

    /// Runs and requires success.
    @discardableResult
    func ok(_ home: String, _ arguments: [String], input: String = "", sourceLocation: SourceLocation = #_sourceLocation) async -> Result {
        let result = await run(home, arguments, input: input)
        #expect(result.status == 0, "poc \(arguments.joined(separator: " ")): \(result.err)", sourceLocation: sourceLocation)
        return result
    }

    /// `poc init` + an invitation + `poc enrol`; returns the POC id.
    @discardableResult
    func enrol(_ home: String, state: String, role: Role, entity: String? = nil) async throws -> String {
        try await ok(home, ["init", "--server", relay.baseURL.absoluteString, "--ca", caFile, "--relay-fingerprint", relay.service.relayID])
        let invite = try await relay.service.invite(state: try StateCode(state), role: role)
        let result = await ok(
            home,
            [
                "enrol", "--token", invite.token, "--entity", entity ?? "\(state) \(role)", "--email", "\(home)@example.org",
                "--languages", "en", "--entry-language", "en",
            ])
        let id = result.out.split(separator: " ").dropFirst(2).first.map(String.init) ?? ""
        #expect(POCID.isValid(id), "enrol printed: \(result.out)")
        return id
    }

    /// The id in the first line of `poc inbox --format json`.
    func firstInboxID(_ home: String) async throws -> String {
        let result = await ok(home, ["inbox", "--format", "json"])
        let lines = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [[String: Any]]
        return try #require(lines?.first?["id"] as? String)
    }

    func remove() { root.remove() }
}

/// A live relay and a runner, cleaned up after `body`.
func withPoc(configure: (inout RelayServerConfiguration) -> Void = { _ in }, _ body: (PocRunner) async throws -> Void) async throws {
    try await LiveRelay.with(configure: configure) { relay in
        let runner = try PocRunner(relay: relay)
        defer { runner.remove() }
        try await body(runner)
    }
}

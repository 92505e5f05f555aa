public import ArgumentParser
import Foundation
import PocKit
public import RelayProtocol
import Sodium

/// `--home` and `--passphrase-file`, shared by every command.
struct GlobalOptions: ParsableArguments {
    @Option(help: "The POC home folder (default: $POC_HOME, else ~/.poc).") var home: String?
    @Option(help: "Read the passphrase from this file (default: $POC_PASSPHRASE_FILE, else ask).") var passphraseFile: String?

    var environment: PocEnvironment { PocEnvironment.current }
    var pocHome: PocHome { PocHome(explicit: home, environment: environment.variables) }

    var passphrase: PassphraseSource {
        let prompt = environment.passphrasePrompt
        return PassphraseSource(file: passphraseFile ?? environment.variables["POC_PASSPHRASE_FILE"], prompt: prompt)
    }

    /// Argon2id limits for new key files: MODERATE, or the insecure test limits
    /// when `POC_INSECURE_FAST_KDF=1` (test suites only; never in real use).
    var kdfLimits: PasswordHashLimits {
        environment.variables["POC_INSECURE_FAST_KDF"] == "1" ? .insecureForTestsOnly : .moderate
    }

    /// Opens the enrolled client, resubmits the outbox, runs `body`, and closes.
    func withClient<T>(syncOutbox: Bool = true, _ body: (PocClient) async throws -> T) async throws -> T {
        let client = try PocClient.open(home: pocHome, passphrase: passphrase)
        do {
            if syncOutbox, let result = try? await client.syncOutbox(), !result.sent.isEmpty {
                environment.error("poc: sent \(result.sent.count) message(s) from the outbox")
            }
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }
}

/// `--format`.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension Role: ExpressibleByArgument {}
extension Urgency: ExpressibleByArgument {}
extension UNLanguage: ExpressibleByArgument {}
extension EntryKind: ExpressibleByArgument {}

/// Arguments that parse as protocol values.
struct POCIDArgument: ExpressibleByArgument {
    let id: POCID
    init?(argument: String) {
        guard let id = try? POCID(argument) else { return nil }
        self.id = id
    }
}

struct MessageIDArgument: ExpressibleByArgument {
    let id: MessageID
    init?(argument: String) {
        guard let id = try? MessageID(argument) else { return nil }
        self.id = id
    }
}

struct StateArgument: ExpressibleByArgument {
    let code: StateCode
    init?(argument: String) {
        guard let code = try? StateCode(argument.uppercased()) else { return nil }
        self.code = code
    }
}

extension TLPLabel: ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument.uppercased()) }
}

/// Durations written like `90s`, `15m`, `48h`, `7d` (at most ten years).
struct DurationArgument: ExpressibleByArgument, Sendable {
    let seconds: Int64

    init?(argument: String) {
        guard let seconds = HumanDuration.seconds(argument) else { return nil }
        self.seconds = seconds
    }
}

/// Comma-separated POC ids.
func parseIDs(_ text: String?) throws -> [POCID] {
    guard let text, !text.isEmpty else { return [] }
    return try text.split(separator: ",").map {
        guard let id = try? POCID(String($0).trimmingCharacters(in: .whitespaces)) else {
            throw PocError.usage("\($0) is not a POC id")
        }
        return id
    }
}

/// Pretty JSON for `--format json`.
func jsonText(_ value: some Encodable) throws -> String {
    let encoder = WireJSON.encoder()
    encoder.outputFormatting.insert(.prettyPrinted)
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// Aligned columns.
func columns(_ rows: [[String]]) -> [String] {
    guard let width = rows.first?.count else { return [] }
    let widths = (0..<width).map { column in rows.map { $0[column].count }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
    }
}

/// Reports a send outcome.
func report(_ outcome: SendOutcome, id: MessageID, to recipients: [POCID]) throws {
    let environment = PocEnvironment.current
    switch outcome {
    case .accepted(let response):
        environment.write("sent \(id) to \(recipients.map(\.rawValue).joined(separator: ", ")) (accepted \(response.acceptedAt))")
    case .queued(let reason):
        environment.write("queued \(id): the relay is unreachable (\(reason)); it stays sealed in the outbox")
        throw PocError(
            "message \(id) not sent yet", hint: "run `poc sync` when the relay is reachable; it keeps its id, so it is never sent twice",
            status: .unavailable)
    }
}

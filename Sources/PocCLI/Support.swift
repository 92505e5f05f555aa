public import ArgumentParser
import CommandLineSupport
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
                environment.error("poc: sent \(counted(result.sent.count, "message")) from the outbox")
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

/// Reads a duration option (`30m`, `8h`, `7d`); a refusal says the format, as poc-relay's does.
func durationOption(_ text: String) throws -> DurationArgument {
    guard let duration = DurationArgument(argument: text) else {
        throw ValidationError("'\(text)' is not a duration: write a whole number and a unit, like 30m, 8h, 24h or 7d")
    }
    return duration
}

/// "1 message", "2 messages".
func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }

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

public import ArgumentParser
import Foundation
import Logging
import RelayProtocol
import RelayService
import RelayStore
import Sodium

/// `--data-dir`, shared by every command.
struct DataDirectoryOptions: ParsableArguments {
    @Option(name: .long, help: "The relay's data directory (store and signing key).")
    var dataDir: String = "./data"

    var storePath: String { (dataDir as NSString).appendingPathComponent("relay.sqlite") }
    var keyPath: String { (dataDir as NSString).appendingPathComponent(RelayKeyFile.fileName) }

    /// Opens the store and key of an initialised data directory.
    func openService(configuration: RelayServiceConfiguration = .init(), logger: Logger = quietLogger) throws -> RelayService {
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw CLIError("no relay store in \(dataDir); run `poc-relay init --data-dir \(dataDir)` first")
        }
        let key: SigningKeyPairBox
        do { key = SigningKeyPairBox(try RelayKeyFile.load(from: keyPath)) } catch { throw CLIError("\(error)") }
        let store: RelayStore
        do { store = try RelayStore(path: storePath) } catch { throw CLIError("cannot open the store \(storePath): \(error)") }
        return RelayService(store: store, relayKey: key.pair, configuration: configuration, logger: logger)
    }
}

/// Host commands print their own results; the service's info logs would only repeat them.
var quietLogger: Logger {
    var logger = Logger(label: "poc-relay")
    logger.logLevel = .warning
    return logger
}

/// Carries a key pair out of a `do` block.
struct SigningKeyPairBox {
    let pair: SigningKeyPair
    init(_ pair: SigningKeyPair) { self.pair = pair }
}

/// A one-line error; ArgumentParser prints it as `Error: ...` and exits 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Durations written like `90s`, `15m`, `48h`, `7d` (at most ten years).
struct DurationArgument: ExpressibleByArgument, Sendable {
    let seconds: Int64

    init?(argument: String) {
        guard let seconds = HumanDuration.seconds(argument) else { return nil }
        self.seconds = seconds
    }
}

extension Role: ExpressibleByArgument {}

/// Output formats of listings.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Runs a `RelayService` call, turning its failure into a one-line CLI error.
func cli<T>(_ body: () async throws(RelayFailure) -> T) async throws -> T {
    do { return try await body() } catch { throw CLIError(error.problem.detail) }
}

/// Pads cells into aligned columns.
func table(_ header: [String], _ rows: [[String]]) -> String {
    let all = [header] + rows
    let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    return all.map { row in
        row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }.joined(separator: "\n")
}

/// A CSV field, quoted when needed (RFC 4180).
func csvField(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

/// Pretty JSON for `--format json`.
func prettyJSON(_ value: some Encodable) throws -> String {
    let encoder = WireJSON.encoder()
    encoder.outputFormatting.insert(.prettyPrinted)
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

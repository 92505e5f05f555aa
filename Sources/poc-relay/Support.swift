import ArgumentParser
import CommandLineSupport
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
    func openService(configuration: RelayServiceConfiguration = .init(), logger: Logger = quietLogger) async throws -> RelayService {
        guard FileManager.default.fileExists(atPath: storePath) else {
            throw CLIError("no relay store in \(dataDir); run `poc-relay init --data-dir \(dataDir)` first")
        }
        let key: SigningKeyPairBox
        do { key = SigningKeyPairBox(try RelayKeyFile.load(from: keyPath)) } catch { throw CLIError("\(error)") }
        let store: RelayStore
        do { store = try RelayStore(path: storePath) } catch { throw await storeOpenFailure(error) }
        return RelayService(store: store, relayKey: key.pair, configuration: configuration, logger: logger)
    }

    /// A one-line error for a store that cannot be opened; a store migrated by
    /// a newer binary is named as such, with the migrations this one lacks.
    func storeOpenFailure(_ error: any Error) async -> CLIError {
        guard let failure = error as? StoreError else { return CLIError("cannot open the store \(storePath): \(error)") }
        if failure.code == .storeNewerThanBinary {
            var unknown: [String] = []
            if let store = try? RelayStore(path: storePath, access: .readOnly) {
                unknown = (try? await store.unknownMigrations()) ?? []
                try? store.close()
            }
            let names = unknown.isEmpty ? "" : " \(unknown.joined(separator: ", "))"
            return CLIError(
                "the store \(storePath) is newer than this poc-relay: a newer version applied migrations\(names) "
                    + "(this one knows \(RelayStore.knownMigrations.joined(separator: ", "))); run that version or newer, "
                    + "or restore a backup made with this one")
        }
        return CLIError("cannot open the store \(storePath): \(failure.reason)")
    }
}

/// An exclusive advisory lock (`flock`) on the data directory itself: `serve`
/// holds it for its whole run and `restore` while it replaces files, so a
/// restore can never pull the store from under a running relay. The kernel
/// drops it when the process ends, however it ends.
final class DataDirectoryLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    /// Takes the lock, or returns `nil` when another process holds it.
    ///
    /// - Parameters:
    ///   - directory: The data directory.
    /// - Throws: ``CLIError`` when the directory cannot be opened.
    static func acquire(_ directory: String) throws -> DataDirectoryLock? {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CLIError("cannot open \(directory): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let busy = errno == EWOULDBLOCK
            let reason = String(cString: strerror(errno))
            close(descriptor)
            if busy { return nil }
            throw CLIError("cannot lock \(directory): \(reason)")
        }
        return DataDirectoryLock(descriptor: descriptor)
    }

    deinit { close(descriptor) }
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

/// Output formats of listings.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Runs a `RelayService` call, turning its failure into a one-line CLI error.
func cli<T>(_ body: () async throws(RelayFailure) -> T) async throws -> T {
    do { return try await body() } catch { throw CLIError(error.problem.detail) }
}

/// Standard output of every command, in place of the standard library's
/// `print` (this module's commands call it unchanged): written with
/// ``StandardStreams`` so that a closed pipe ends the tool quietly, by
/// `SIGPIPE`, and a full disk is one `poc-relay: error: cannot write ...`
/// line and exit 74, never a crash or lost output.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    StandardStreams.writeOutput(items.map { "\($0)" }.joined(separator: separator) + terminator, tool: "poc-relay")
}

/// Writes `text` to standard error without ever crashing the tool (see ``StandardStreams/writeError(_:)``).
func writeError(_ text: String) {
    StandardStreams.writeError(text)
}

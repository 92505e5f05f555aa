import Dispatch
public import Foundation
import Glibc
import ProcessLaunch

/// An executable SwiftPM built next to the test bundle (`poc`, `poc-relay`),
/// run as a real child process.
public struct BuiltProduct: Sendable {
    /// Where it is.
    public let url: URL

    /// Why a product could not be found.
    public struct NotFound: Error, CustomStringConvertible {
        public let name: String
        public let searched: [String]
        public var description: String {
            "no \(name) executable next to the test bundle (searched \(searched.joined(separator: ", "))); build all products first"
        }
    }

    /// Finds `name` in the folders SwiftPM puts products in for this test run.
    public static func named(_ name: String) throws -> BuiltProduct {
        var folders: [URL] = []
        if let executable = Bundle.main.executableURL { folders.append(executable.deletingLastPathComponent()) }
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        for bundle in Bundle.allBundles where bundle.bundleURL.pathExtension == "xctest" {
            folders.append(bundle.bundleURL.deletingLastPathComponent())
        }
        if let first = CommandLine.arguments.first { folders.append(URL(fileURLWithPath: first).deletingLastPathComponent()) }
        for folder in folders {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return BuiltProduct(url: candidate) }
        }
        throw NotFound(name: name, searched: folders.map(\.path))
    }

    /// What one run produced.
    public struct Run: Sendable, CustomStringConvertible {
        public let arguments: [String]
        public let status: Int32
        public let standardOutput: String
        public let standardError: String

        public var description: String {
            "\(arguments.joined(separator: " ")) -> \(status)\n--- stdout\n\(standardOutput)\n--- stderr\n\(standardError)"
        }
    }

    /// Runs the product to completion (killing it after `timeout`) and collects its output.
    public func run(
        _ arguments: [String], environment: [String: String] = [:], input: Data = Data(), timeout: Duration = .seconds(60)
    ) async throws -> Run {
        let run = try await ChildProcess.run(
            executable: url.path, arguments: arguments, environment: ProcessInfo.processInfo.environment.merging(environment) { $1 },
            input: .data(input), timeout: timeout)
        return Run(
            arguments: arguments, status: run.status, standardOutput: String(decoding: run.standardOutput, as: UTF8.self),
            standardError: String(decoding: run.standardError, as: UTF8.self))
    }
}

extension BuiltProduct {
    /// The `poc-relay` executable.
    /// - Throws: ``NotFound`` naming the folders searched.
    public static func pocRelay() throws -> BuiltProduct { try named("poc-relay") }

    /// The environment for a child process: this process's, without the
    /// Swift backtracer (a crashing child then ends at once instead of
    /// spending seconds symbolicating), and `extra` over both.
    public static func childEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.merging(["SWIFT_BACKTRACE": "enable=no"]) { $1 }.merging(extra) { $1 }
    }
}

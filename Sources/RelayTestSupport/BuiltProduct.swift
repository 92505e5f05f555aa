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

    static func readToEnd(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: handle.readToEndRetryingInterrupts()) }
        }
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
        let out = Spawn.pipe(), err = Spawn.pipe()
        // Standard input from a file (or nothing): no pipe to feed from this side.
        let inputFile = FileManager.default.temporaryDirectory.appendingPathComponent("poc-input-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: inputFile) }
        try input.write(to: inputFile)
        let inputDescriptor = open(inputFile.path, O_RDONLY | O_CLOEXEC)
        let pid: pid_t
        do {
            pid = try Spawn.start(
                executable: url.path, arguments: arguments,
                environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, stdin: inputDescriptor,
                stdout: out.write, stderr: err.write)
        } catch {
            for fd in [inputDescriptor, out.read, out.write, err.read, err.write] { close(fd) }
            throw error
        }
        for fd in [inputDescriptor, out.write, err.write] { close(fd) }
        // Blocking reads run on Dispatch threads, never on the cooperative pool
        // (which also runs the relay under test).
        async let standardOutput = Self.readToEnd(FileHandle(fileDescriptor: out.read, closeOnDealloc: true))
        async let standardError = Self.readToEnd(FileHandle(fileDescriptor: err.read, closeOnDealloc: true))
        let deadline = ContinuousClock.now + timeout
        var status = Spawn.exitStatus(pid)
        while status == nil {
            if ContinuousClock.now > deadline { kill(pid, SIGKILL) }
            try await Task.sleep(for: .milliseconds(20))
            status = Spawn.exitStatus(pid)
        }
        return Run(
            arguments: arguments, status: status ?? -1, standardOutput: String(decoding: await standardOutput, as: UTF8.self),
            standardError: String(decoding: await standardError, as: UTF8.self))
    }
}

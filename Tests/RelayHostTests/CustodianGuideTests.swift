import Foundation
import ProcessLaunch
import RelayProtocol
import RelayTestSupport
import Testing

/// docs/custodian.md's `poc-relay` commands, run in order as the guide gives
/// them against a real data directory, with a real enrolled POC.
@Suite("custodian guide", .timeLimit(.minutes(1)))
struct CustodianGuideTests {
    static let guide = (DevCertificates.repositoryRoot as NSString).appendingPathComponent("docs/custodian.md")

    /// The fenced ```sh blocks whose every command is a `poc-relay` one (the
    /// guide's `poc` commands need a POC's home and are POC-101's).
    static func hostBlocks(of markdown: String) -> [String] {
        var blocks: [[String]] = []
        var current: [String]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current == nil {
                if trimmed == "```sh" { current = [] }
            } else if trimmed.hasPrefix("```") {
                blocks.append(current!)
                current = nil
            } else if !trimmed.isEmpty {
                current!.append(trimmed)
            }
        }
        return blocks.filter { !$0.isEmpty && $0.allSatisfy { $0.hasPrefix("poc-relay ") } }.map { $0.joined(separator: "\n") }
    }

    @Test("every poc-relay block of docs/custodian.md runs, in order, with status 0")
    func guideRuns() async throws {
        let blocks = Self.hostBlocks(of: try String(contentsOfFile: Self.guide, encoding: .utf8))
        #expect(blocks.count >= 10, "\(blocks)")
        try await withTemporaryDirectory { directory in
            try await CLITests.initialise(directory)
            let data = directory.file("data")
            try await withRelay(dataDirectory: data) { relay, api in _ = try await relay.enrol("FRA", .technical, api: api) }
            // The guide leaves --data-dir out; a poc-relay first on PATH adds it.
            let bin = directory.file("bin")
            try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
            let wrapper = (bin as NSString).appendingPathComponent("poc-relay")
            try "#!/bin/sh\nexec '\(try BuiltProduct.pocRelay().url.path)' \"$@\" --data-dir '\(data)'\n".write(
                toFile: wrapper, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper)
            let path = "\(bin):\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")"

            for block in blocks {
                var script = block
                if script.contains("--withdraw 3f2a9c0d1b4e") {
                    // The guide's example id stands for one that `invites` lists.
                    let listed = try await CustodianToolTests.invites(data, in: directory)
                    let id = try #require(listed.first?.id, "no outstanding invitation to withdraw")
                    script = script.replacingOccurrences(of: "3f2a9c0d1b4e", with: id)
                }
                let run = try await ChildProcess.run(
                    executable: "/bin/bash", arguments: ["-e", "-o", "pipefail", "-c", script],
                    environment: BuiltProduct.childEnvironment(["PATH": path]), workingDirectory: directory.path,
                    timeout: .seconds(20))
                #expect(
                    run.status == 0,
                    "\(script)\n-> \(run.status)\n\(String(decoding: run.standardOutput, as: UTF8.self))\(String(decoding: run.standardError, as: UTF8.self))"
                )
            }
            let pocs = try await CustodianToolTests.pocs(data, ["--all"], in: directory)
            #expect(pocs.first { $0.pocID == "FRA-TEC-1" }?.status == "revoked", "the guide's revoke did not revoke: \(pocs)")
            #expect(try await CustodianToolTests.invites(data, ["--all"], in: directory).contains { $0.status == "withdrawn" })
        }
    }
}

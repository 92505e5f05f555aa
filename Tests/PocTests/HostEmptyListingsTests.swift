import Foundation
import RelayTestSupport
import Testing

/// The built `poc-relay`'s listings with nothing to list: a sentence, not a bare header.
@Suite("poc-relay invites and pocs with nothing to list (the built binary)")
struct HostEmptyListingsTests {
    @Test("invites and pocs say there is nothing, and which filter; json stays an empty list")
    func emptyListings() async throws {
        let tool = try BuiltProduct.pocRelay()
        let root = try TemporaryDirectory(prefix: "poc-relay-empty")
        defer { root.remove() }
        let data = root.file("data")
        func run(_ arguments: [String]) async throws -> BuiltProduct.Run {
            let run = try await tool.run(arguments + ["--data-dir", data], environment: BuiltProduct.childEnvironment())
            #expect(run.status == 0, "\(run)")
            return run
        }
        _ = try await run(["init"])
        let cases: [([String], String)] = [
            (["invites"], "no outstanding invitations (--all adds the used, expired and withdrawn ones)\n"),
            (["invites", "--all"], "no invitations in this relay\n"),
            (["pocs"], "no active POCs (--all adds the revoked ones)\n"),
            (["pocs", "--state", "FRA", "--role", "technical"], "no active POCs of FRA with role technical (--all adds the revoked ones)\n"),
            (["pocs", "--all", "--state", "DEU"], "no POCs of DEU\n"),
        ]
        for (arguments, expected) in cases {
            let listed = try await run(arguments)
            #expect(listed.standardOutput == expected, "\(listed)")
        }
        let json = try await run(["pocs", "--format", "json"])
        #expect(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [Any] != nil, "json stays a list: \(json)")
    }
}

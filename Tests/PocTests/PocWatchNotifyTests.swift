import Foundation
import RelayTestSupport
import Testing

/// `poc watch --notify` with a stand-in `notify-send` first on `PATH` that
/// appends its arguments to a file, one line per argument and a `--end--`
/// line per call.
@Suite("poc watch --notify: desktop notifications for flash and immediate only (the built binary)", .timeLimit(.minutes(5)))
struct PocWatchNotifyTests {
    /// A folder holding an executable `notify-send` that records its arguments to `log`.
    static func fakeNotifySend(in root: TemporaryDirectory) throws -> (bin: String, log: String) {
        let bin = root.file("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        let log = root.file("notify-send.log")
        let script = "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\" >> '\(log)'; done\necho --end-- >> '\(log)'\n"
        let path = (bin as NSString).appendingPathComponent("notify-send")
        try Data(script.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return (bin, log)
    }

    /// The calls recorded so far, each its argument list.
    static func calls(_ log: String) -> [[String]] {
        guard let text = try? String(contentsOfFile: log, encoding: .utf8) else { return [] }
        var calls: [[String]] = []
        var current: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line == "--end--" {
                calls.append(current)
                current = []
            } else if !line.isEmpty {
                current.append(line)
            }
        }
        return calls
    }

    @Test("a FLASH arrival raises one notification with the urgency, EXERCISE and the sender, never the subject or body; a ROUTINE one none")
    func flashNotifiesRoutineDoesNot() async throws {
        try await AlertsBinaryHarness.with { h in
            let (bin, log) = try Self.fakeNotifySend(in: h.homes)
            let path = bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            let routine = try await h.run(
                "fra", ["send", "--to", "DEU-TEC-1", "--urgency", "routine", "--subject", "Routine subject words"], input: "routine body words")
            try #require(routine.status == 0, "\(routine)")
            let flash = try await h.run(
                "fra", ["send", "--to", "DEU-TEC-1", "--urgency", "flash", "--exercise", "--subject", "Flash subject words"],
                input: "flash body words")
            try #require(flash.status == 0, "\(flash)")
            let watched = try await h.run("deu", ["watch", "--notify", "--count", "2", "--seconds", "90"], extra: ["PATH": path])
            #expect(watched.status == 0, "\(watched)")
            #expect(watched.standardOutput.contains("Flash subject words"), "\(watched)")
            #expect(watched.standardOutput.contains("Routine subject words"), "\(watched)")
            #expect(!watched.standardError.contains("warning"), "\(watched)")
            // The notifier runs in the background: wait for its call to land.
            let deadline = ContinuousClock.now + .seconds(30)
            while Self.calls(log).isEmpty, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
            try await Task.sleep(for: .seconds(1))
            let calls = Self.calls(log)
            #expect(calls.count == 1, "\(calls)")
            let call = try #require(calls.first)
            #expect(call.contains("--urgency=critical"), "\(call)")
            #expect(call.contains("EXERCISE FLASH message from FRA-TEC-1"), "\(call)")
            let all = call.joined(separator: "\n")
            for secret in ["subject words", "body words", "Flash subject", "Routine"] {
                #expect(!all.contains(secret), "\(secret) leaked into \(call)")
            }
        }
    }

    @Test("without notify-send on PATH, watch says so once at the start and goes on")
    func withoutNotifySend() async throws {
        try await AlertsBinaryHarness.with { h in
            let empty = h.homes.file("empty-bin")
            try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
            let sent = try await h.run("fra", ["send", "--to", "DEU-TEC-1", "--urgency", "flash", "--subject", "Hello"], input: "body")
            try #require(sent.status == 0, "\(sent)")
            let watched = try await h.run("deu", ["watch", "--notify", "--count", "1", "--seconds", "90"], extra: ["PATH": empty])
            #expect(watched.status == 0, "\(watched)")
            #expect(watched.standardOutput.contains("FLASH"), "\(watched)")
            let warnings = watched.standardError.split(separator: "\n").filter { $0.contains("notify-send") }
            #expect(warnings == ["poc: warning: --notify: notify-send is not on PATH; watching without desktop notifications"], "\(watched)")
        }
    }
}

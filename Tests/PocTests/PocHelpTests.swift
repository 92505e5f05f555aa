import Foundation
import RelayTestSupport
import Testing

@Suite("help and --version of the built tools")
struct PocHelpTests {
    /// Every command of `poc` that a user runs.
    static let commands: [[String]] = [
        ["init"], ["enrol"], ["whoami"], ["directory"], ["directory", "list"], ["directory", "show"], ["directory", "update"], ["trust"],
        ["keys"], ["keys", "rotate"], ["send"], ["rfi"], ["respond"], ["inbox"], ["read"], ["watch"], ["status"], ["forward"],
        ["consent"], ["consent", "request"], ["consent", "grant"], ["consent", "deny"], ["pings"], ["ping"], ["ping", "answer"],
        ["log"], ["log", "list"], ["log", "show"], ["log", "export"], ["sync"],
    ]

    @Test("every poc command's help has examples, no requirement ids and no line rewrapped past 80 columns")
    func everyCommandHasExamples() async throws {
        let poc = try BuiltProduct.named("poc")
        for command in Self.commands {
            let help = try await poc.run(command + ["--help"], environment: BuiltProduct.childEnvironment(["COLUMNS": "80"]))
            #expect(help.status == 0, "\(help)")
            #expect(help.standardOutput.contains("Examples:\n  poc \(command[0])"), "poc \(command.joined(separator: " ")) --help")
            #expect(help.standardOutput.range(of: #"\(R[0-9]+"#, options: .regularExpression) == nil, "\(help)")
            // A pre-wrapped paragraph wrapped again leaves a short line before a long one; prose lines fill 80 columns.
            let prose = help.standardOutput.components(separatedBy: "\nUSAGE:").first ?? ""
            let lines = prose.split(separator: "\n", omittingEmptySubsequences: false)
            for (index, line) in lines.enumerated() where index + 1 < lines.count && !line.hasPrefix(" ") && !lines[index + 1].isEmpty {
                let next = lines[index + 1]
                guard !next.hasPrefix(" "), let last = line.last, !".:)".contains(last), let word = next.split(separator: " ").first else { continue }
                #expect(line.count + 1 + word.count >= 80, "poc \(command.joined(separator: " ")): '\(line)' could hold '\(word)'")
            }
        }
    }

    @Test("--version on both tools")
    func version() async throws {
        for tool in ["poc", "poc-relay"] {
            let run = try await BuiltProduct.named(tool).run(["--version"], environment: BuiltProduct.childEnvironment())
            #expect(run.status == 0, "\(run)")
            #expect(run.standardOutput.range(of: #"^[0-9]+\.[0-9]+\.[0-9]+ \(protocol 1\.1\)\n$"#, options: .regularExpression) != nil, "\(run)")
        }
    }
}

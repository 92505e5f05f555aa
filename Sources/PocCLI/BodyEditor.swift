import Foundation
import PocKit
import ProcessLaunch

/// Text written in `$VISUAL` or `$EDITOR` (`vi` when neither is set), in a
/// private temporary file removed afterwards.
enum BodyEditor {
    /// Opens `text` in the editor and returns what was saved.
    /// - Throws: when the editor fails; nothing is sent then.
    static func run(_ text: String) throws -> String {
        let environment = PocEnvironment.current
        let editor = environment.variables["VISUAL"] ?? environment.variables["EDITOR"] ?? "vi"
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("poc-\(UUID().uuidString).txt")
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw PocError("cannot write a temporary file for the editor")
        }
        defer { try? FileManager.default.removeItem(atPath: path) }
        let editorProcess = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "\(editor) \"$1\"", "poc-editor", path],
            environment: ProcessInfo.processInfo.environment.merging(environment.variables) { $1 }, input: .inherit,
            standardOutput: .inherit, standardError: .inherit)
        let status = editorProcess.waitUntilExit()
        guard status == 0, let data = FileManager.default.contents(atPath: path) else {
            throw PocError("the editor exited with status \(status); nothing sent")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// A message body written in the editor; lines starting with `#` are dropped.
    static func edit() throws -> String {
        let written = try run("\n# Write the body above. Lines starting with # are removed; an empty body sends nothing.\n")
        return written.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }
}

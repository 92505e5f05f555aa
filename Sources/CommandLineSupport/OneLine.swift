import Foundation

/// A possibly multi-line ArgumentParser message as one line, for a
/// `TOOL: error: ...` line: the leading `Error: ` is dropped, lines are
/// trimmed and joined with spaces, and list dashes become commas.
///
/// - Parameter message: What `ParsableCommand.message(for:)` returned.
/// - Returns: The same text on one line.
public func oneLine(_ message: String) -> String {
    let text = message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message
    return text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        .joined(separator: " ").replacingOccurrences(of: ": - ", with: ": ").replacingOccurrences(of: " - ", with: ", ")
}

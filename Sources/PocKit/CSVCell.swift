import Foundation

/// One CSV cell, the one rule of every CSV file PocKit writes (the record's
/// export, the custodian's audit lists): quoted when it holds a comma, a quote
/// or a line break (RFC 4180, looked for by Unicode scalar, so a CRLF inside a
/// cell is found too), and prefixed with `'` when a spreadsheet would run it
/// as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return).
enum CSVCell {
    static func escape(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

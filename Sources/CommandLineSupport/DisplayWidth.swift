import Foundation

/// Terminal display width: how many columns text takes on a terminal.
///
/// East Asian wide and fullwidth characters (CJK ideographs, kana, Hangul,
/// fullwidth forms, most emoji) take two columns; combining marks, zero-width
/// characters and controls take none; everything else one.
public enum DisplayWidth {
    /// The columns `text` takes.
    public static func of(_ text: String) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// The columns one character (grapheme cluster) takes: its first scalar
    /// decides, the combining marks that follow add nothing.
    public static func of(_ character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return of(first)
    }

    /// The columns one scalar takes (0, 1 or 2).
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
        if v == 0x200B || v == 0x200C || v == 0x200D || v == 0xFEFF || (0xFE00...0xFE0F).contains(v) { return 0 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        return isWide(v) ? 2 : 1
    }

    private static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3, 0x25FD...0x25FE, 0x2614...0x2615,
            0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA,
            0x26F2...0x26F3, 0x26F5, 0x26FA, 0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
            0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
            0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
            0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18AFF, 0x1B000...0x1B2FF, 0x1F004, 0x1F0CF, 0x1F18E,
            0x1F191...0x1F19A, 0x1F200...0x1F251, 0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393,
            0x1F3A0...0x1F3CA, 0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440, 0x1F442...0x1F4FC,
            0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A, 0x1F595...0x1F596, 0x1F5A4, 0x1F5FB...0x1F64F,
            0x1F680...0x1F6C5, 0x1F6CC, 0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC, 0x1F7E0...0x1F7EB,
            0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF, 0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// `text` padded with spaces on the right to `width` columns (unchanged if wider).
    public static func pad(_ text: String, to width: Int) -> String {
        let missing = width - of(text)
        return missing > 0 ? text + String(repeating: " ", count: missing) : text
    }

    /// `text` cut to at most `width` columns, ending with "…" when cut; never
    /// splits a character (a wide one that does not fit is left out).
    public static func truncate(_ text: String, to width: Int) -> String {
        guard of(text) > width else { return text }
        guard width > 0 else { return "" }
        var result = ""
        var used = 0
        for character in text {
            let w = of(character)
            if used + w > width - 1 { break }
            result.append(character)
            used += w
        }
        return result + "…"
    }

    /// Rows padded into aligned columns by display width, two spaces apart,
    /// without trailing spaces; when `maxWidth` is given, the `shrink` column
    /// is cut (see ``truncate(_:to:)``) so that no line is wider.
    ///
    /// - Parameters:
    ///   - rows: The rows, the first setting the number of columns.
    ///   - maxWidth: The terminal width, or `nil` not to cut (into a pipe).
    ///   - shrink: The index of the column to cut, normally the subject.
    /// - Returns: One line per row.
    public static func columns(_ rows: [[String]], maxWidth: Int? = nil, shrink: Int? = nil) -> [String] {
        guard let count = rows.first?.count else { return [] }
        var rows = rows
        var widths = (0..<count).map { column in rows.map { of($0[column]) }.max() ?? 0 }
        if let maxWidth, let shrink, shrink < count {
            // Columns that are empty on every row take no room and no separator.
            let used = widths.enumerated().filter { $0.element > 0 }
            let others = used.filter { $0.offset != shrink }.map(\.element).reduce(0, +) + 2 * max(0, used.count - 1)
            let room = max(4, maxWidth - others)
            if widths[shrink] > room {
                widths[shrink] = room
                for index in rows.indices { rows[index][shrink] = truncate(rows[index][shrink], to: room) }
            }
        }
        return rows.map { row in
            var cells: [String] = []
            for (column, cell) in row.enumerated() where widths[column] > 0 { cells.append(pad(cell, to: widths[column])) }
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}

/// What the standard output is connected to: its width and whether colour may be used.
public struct TerminalOutput: Sendable, Equatable {
    /// Columns to fit lines into; `nil` into a pipe or file (no truncation).
    public let width: Int?
    /// True on a terminal without `NO_COLOR` set (https://no-color.org).
    public let colour: Bool

    /// Creates a description.
    public init(width: Int?, colour: Bool) {
        self.width = width
        self.colour = colour
    }

    /// The standard output of this process: a terminal's width from `COLUMNS`
    /// or the terminal itself (`TIOCGWINSZ`), nothing into a pipe; colour only
    /// on a terminal and never with `NO_COLOR` set to anything.
    ///
    /// A terminal counts only with `TERM` set in `variables` and not `dumb`:
    /// a command whose environment is not the process's (a test capturing
    /// its output) never sees the process's terminal.
    public static func standardOutput(variables: [String: String]) -> TerminalOutput {
        guard let term = variables["TERM"], !term.isEmpty, term != "dumb", isatty(STDOUT_FILENO) == 1 else {
            return TerminalOutput(width: nil, colour: false)
        }
        var width = variables["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil }
        if width == nil {
            var size = winsize()
            #if os(Linux)
            let request = UInt(TIOCGWINSZ)
            #else
            let request = TIOCGWINSZ
            #endif
            if ioctl(STDOUT_FILENO, request, &size) == 0, size.ws_col > 0 { width = Int(size.ws_col) }
        }
        return TerminalOutput(width: width ?? 80, colour: variables["NO_COLOR"] == nil)
    }

    /// `text` in bold red (FLASH) or bold yellow (IMMEDIATE) when colour is on.
    public func highlight(_ text: String, red: Bool) -> String {
        guard colour else { return text }
        return (red ? "\u{1B}[1;31m" : "\u{1B}[1;33m") + text + "\u{1B}[0m"
    }
}

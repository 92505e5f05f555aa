import Foundation

/// Pads cells into aligned columns, two spaces apart, without trailing spaces,
/// measuring by display width (``DisplayWidth``: a wide CJK character takes
/// two columns), so a listing with an entity in Chinese stays aligned.
///
/// - Parameter rows: The rows, the first of them setting the number of columns
///   (every row has as many cells).
/// - Returns: One line per row; none for no rows.
public func columns(_ rows: [[String]]) -> [String] {
    guard let width = rows.first?.count else { return [] }
    let widths = (0..<width).map { column in rows.map { DisplayWidth.of($0[column]) }.max() ?? 0 }
    return rows.map { row in
        row.enumerated().map { DisplayWidth.pad($0.element, to: widths[$0.offset]) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
    }
}

/// A table: `header` above `rows`, in aligned columns (see ``columns(_:)``).
///
/// - Parameters:
///   - header: The column titles.
///   - rows: The rows, each with as many cells as `header`.
/// - Returns: The lines joined by newlines, without a final one.
public func table(_ header: [String], _ rows: [[String]]) -> String {
    columns([header] + rows).joined(separator: "\n")
}

/// A CSV field, quoted when it holds a comma, a quote or a newline (RFC 4180).
public func csvField(_ text: String) -> String {
    text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
}

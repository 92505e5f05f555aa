import Foundation
public import RelayProtocol

/// The exports of the record for the POC's own archive, written by
/// `poc log export` and downloaded from the web interface's record page: one
/// code for both. Plaintext: whoever holds the file reads every message.
public enum RecordExport {
    /// A file format.
    public enum Format: String, Sendable, CaseIterable {
        /// The lines as `poc log --format json` prints them.
        case json
        /// One standalone page, readable in any browser and printable.
        case html
        /// One row per message, for a spreadsheet.
        case csv

        /// The media type of a download.
        public var mediaType: String {
            switch self {
            case .json: "application/json; charset=utf-8"
            case .html: "text/html; charset=utf-8"
            case .csv: "text/csv; charset=utf-8"
            }
        }
    }

    /// The export of `lines` (oldest first, as ``PocClient/logLines(_:now:)`` gives them) in `format`.
    /// - Throws: ``PocError`` when the JSON cannot be encoded.
    public static func render(_ lines: [LogLine], format: Format, me: POCID) throws(PocError) -> String {
        switch format {
        case .json: try json(lines)
        case .html: html(lines, me: me)
        case .csv: csv(lines)
        }
    }

    /// A file name for the download: `record-FRA-TEC-1-2026-12-02.csv`.
    public static func fileName(me: POCID, format: Format, now: Timestamp = .now()) -> String {
        "record-\(me.rawValue)-\(now.description.prefix(10)).\(format.rawValue)"
    }

    /// The lines as indented JSON with sorted keys.
    public static func json(_ lines: [LogLine]) throws(PocError) -> String {
        let encoder = WireJSON.encoder()
        encoder.outputFormatting.insert(.prettyPrinted)
        do { return String(decoding: try encoder.encode(lines), as: UTF8.self) } catch {
            throw PocError("cannot encode the record as JSON: \(error)")
        }
    }

    /// One standalone HTML page, every value escaped.
    public static func html(_ lines: [LogLine], me: POCID) -> String {
        var html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>POC record of \(escape(me.rawValue))</title>"
        html +=
            "<style>body{font-family:sans-serif;max-width:60rem;margin:auto}.ex{border-left:6px solid #c60;padding-left:.5rem}pre{white-space:pre-wrap}</style></head><body>"
        html += "<h1>Record of \(escape(me.rawValue))</h1>"
        for l in lines {
            html += "<section class=\"\(l.exercise ? "ex" : "")\">"
            if l.exercise { html += "<p><strong>EXERCISE: simulation traffic</strong></p>" }
            if let tlp = l.tlp { html += "<p class=\"tlp\"><strong>TLP:\(escape(tlp))</strong></p>" }
            html += "<h2>\(escape(l.subject))</h2><p>\(escape(l.direction)) · \(escape(l.id)) · \(escape(l.urgency)) · \(escape(l.type))"
            if l.receipted != nil { html += " · \(escape(l.delivery))" }
            html += "<br>"
            html +=
                "from \(escape(l.from)) to \(escape(l.to.joined(separator: ", "))) · sent \(escape(l.sentAt))</p><pre>\(escape(l.body))</pre></section>"
        }
        return html + "</body></html>"
    }

    /// The columns of the CSV export, in order.
    public static let csvColumns = [
        "id", "direction", "sent_at", "accepted_at", "from", "to", "urgency", "exercise", "tlp", "type", "consent_to_share", "in_reply_to",
        "receipted", "subject", "body",
    ]

    /// RFC 4180 CSV with a header row, CRLF line ends; recipients joined by
    /// spaces. A cell a spreadsheet would run as a formula (`=`, `+`, `-`,
    /// `@`, tab, carriage return first) is prefixed with `'`.
    public static func csv(_ lines: [LogLine]) -> String {
        var rows = [csvColumns]
        for l in lines {
            rows.append([
                l.id, l.direction, l.sentAt, l.acceptedAt ?? "", l.from, l.to.joined(separator: " "), l.urgency, l.exercise ? "true" : "false",
                l.tlp ?? "", l.type, l.consentToShare ? "true" : "false", l.inReplyTo ?? "", l.receipted.map(String.init) ?? "", l.subject, l.body,
            ])
        }
        return rows.map { $0.map(csvCell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func csvCell(_ value: String) -> String { CSVCell.escape(value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}

import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The query of a GET page (`?q=...&page=2`), read as a form is: `+` for a
/// space and `%XX` escapes, as browsers write a GET form.
struct PageQuery {
    private let fields: FormFields

    init(_ request: Request) {
        fields = Array((request.uri.query ?? "").utf8).withUnsafeBytes { FormFields(body: $0) }
    }

    /// The value of `name`, trimmed; `nil` when absent or empty.
    subscript(name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// `name=value&...` of the given pairs (empty values left out), escaped for a URL's query.
    static func encode(_ pairs: [(String, String?)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.compactMap { name, value in
            guard let value, !value.isEmpty else { return nil }
            return "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
        }
        .joined(separator: "&")
    }
}

/// One page of a long list (the record, the sent messages): the page asked
/// for, clamped to the pages there are, and the links around it.
struct Paging {
    let page: Int
    let pages: Int
    let range: Range<Int>
    /// The items of all pages.
    let count: Int

    /// Page `requested` (1 when absent or not a number) of `count` items, `size` a page.
    init(count: Int, requested: String?, size: Int) {
        self.count = count
        pages = max(1, (count + size - 1) / size)
        page = min(max(1, requested.flatMap { Int($0) } ?? 1), pages)
        range = min(count, (page - 1) * size)..<min(count, page * size)
    }

    /// The template's values: `paging` with its links, or nothing on a single page.
    /// - Parameters:
    ///   - area: The catalog area (`sent`, `record`) of the `page_*` strings.
    ///   - link: The address of a page number.
    func data(_ t: Catalog, area: String, link: (Int) -> String) -> [String: Any] {
        guard pages > 1 else { return [:] }
        var paging: [String: Any] = [
            "label": t["\(area).pages"],
            "position": t.format(
                "\(area).page_position",
                [
                    "page": String(page), "pages": String(pages), "first": String(range.lowerBound + 1), "last": String(range.upperBound),
                    "count": String(count),
                ]),
        ]
        if page > 1 { paging["previous"] = ["href": link(page - 1), "text": t["\(area).page_previous"]] }
        if page < pages { paging["next"] = ["href": link(page + 1), "text": t["\(area).page_next"]] }
        return ["paging": paging]
    }
}

/// What the record and sent pages show of a message's urgency, EXERCISE and TLP.
enum RecordBadges {
    static func values(urgency: String, exercise: Bool, tlp: String?, _ t: Catalog) -> [String: Any] {
        var row: [String: Any] = ["urgency": urgency, "urgencyLabel": t["urgency.\(urgency)"], "exercise": exercise]
        if let tlp {
            row["tlp"] = tlp
            row["tlpClass"] = tlp.lowercased().replacingOccurrences(of: "+", with: "-")
        }
        return row
    }

    /// The catalog label of a message type (`rfi-response` under `type.rfi_response`).
    static func typeLabel(_ type: String, _ t: Catalog) -> String {
        t["type.\(type.replacingOccurrences(of: "-", with: "_"))"]
    }
}

import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The values of the directory pages: the search with its results, and one
/// entry with its fingerprint, contacts and the verify flow. Every entry's
/// text is shown in the entry's own language (marked with `lang`) and, when
/// the interface is in another language, its English translation beside it.
struct DirectoryPage {
    let catalog: Catalog
    let language: UILanguage

    /// What the search form asked, as typed (kept when refused).
    struct Form {
        var state = ""
        var role = ""
        var text = ""
    }

    /// The search form read from the query string.
    /// - Returns: The form as typed, and the query, or the reason it is refused (in the user's language).
    static func read(_ parameter: (String) -> String?, _ t: Catalog) -> (form: Form, query: Result<DirectoryQuery, PocError>) {
        let state = (parameter("state") ?? "").trimmingCharacters(in: .whitespaces)
        let form = Form(state: state, role: parameter("role") ?? "", text: parameter("q") ?? "")
        var query = DirectoryQuery()
        if !form.state.isEmpty {
            guard let state = try? StateCode(form.state.uppercased()) else { return (form, .failure(PocError.usage(t["directory.bad_state"]))) }
            query.state = state
        }
        if !form.role.isEmpty {
            guard let role = Role(rawValue: form.role) else { return (form, .failure(PocError.usage(t["directory.bad_role"]))) }
            query.role = role
        }
        guard form.text.count <= EntryDetails.Limits.text else { return (form, .failure(PocError.usage(t["directory.bad_text"]))) }
        query.text = form.text
        return (form, .success(query))
    }

    /// Entries a page of the list: a search that finds the whole directory
    /// (1,000 entries and more) is read a page at a time.
    static let pageSize = 100

    /// The list page's values; `entries` nil when the form was refused.
    /// - Parameter requestedPage: The `page` of the query (the first when absent).
    func list(directory: VerifiedDirectory, form: Form, entries: [DirectoryEntry]?, requestedPage: String? = nil) -> [String: Any] {
        let t = catalog
        let states = directory.activeStates.map { code -> [String: Any] in
            ["code": code.rawValue, "selected": code.rawValue == form.state.uppercased()]
        }
        let roles = [Role.diplomatic, .technical, .custodian].map { role -> [String: Any] in
            ["value": role.rawValue, "label": t["directory.role.\(role.rawValue)"], "selected": role.rawValue == form.role]
        }
        var data: [String: Any] = [
            "states": states, "roles": roles, "q": form.text, "anyState": form.state.isEmpty, "anyRole": form.role.isEmpty,
            "version": String(directory.version),
        ]
        guard let entries else { return data }
        let sorted = entries.sorted { ($0.state, $0.role.rawValue, $0.pocID.rawValue) < ($1.state, $1.role.rawValue, $1.pocID.rawValue) }
        let paging = Paging(count: sorted.count, requested: requestedPage, size: Self.pageSize)
        let rows = sorted[paging.range].map { entry -> [String: Any] in
            var row: [String: Any] = [
                "id": entry.pocID.rawValue, "state": entry.state.rawValue, "roleLabel": t["directory.role.\(entry.role.rawValue)"],
                "entity": entry.details.entity, "entryLang": entry.details.entryLanguage.rawValue,
            ]
            if let english = english(entry.details, \.entity) { row["entityEn"] = english }
            trust(entry, in: directory, into: &row)
            return row
        }
        data["entries"] = rows
        data["hasEntries"] = !rows.isEmpty
        data["shown"] = true
        let total = directory.entries.lazy.filter { $0.status == .active }.count
        data["count"] = t.format("directory.count", ["shown": String(rows.count), "total": String(total)])
        data.merge(
            paging.data(t, area: "directory") {
                "/directory?" + PageQuery.encode([("state", form.state), ("role", form.role), ("q", form.text), ("page", String($0))])
            }
        ) { $1 }
        return data
    }

    /// One entry's values.
    func entry(_ entry: DirectoryEntry, directory: VerifiedDirectory, me: POCID) -> [String: Any] {
        let t = catalog
        let d = entry.details
        var data: [String: Any] = [
            "id": entry.pocID.rawValue, "state": entry.state.rawValue, "roleLabel": t["directory.role.\(entry.role.rawValue)"],
            "kindLabel": t["directory.kind.\(d.kind.rawValue)"], "entryLang": d.entryLanguage.rawValue,
            "entryLanguageName": t["directory.language.\(d.entryLanguage.rawValue)"], "entity": d.entity,
            "groups": entry.fingerprint.groups.enumerated().map { ["index": String($0.offset + 1), "group": $0.element] },
            "fingerprint": entry.fingerprint.grouped, "languages": d.languages.joined(separator: ", "),
            "updatedAt": entry.updatedAt.description, "updatedText": TimeText.display(entry.updatedAt, t),
            "own": entry.pocID == me,
        ]
        var texts: [[String: Any]] = []
        for (key, value, path) in [("name", d.name, \EntryTranslation.name), ("designation", d.designation, \EntryTranslation.designation)] {
            guard let value, !value.isEmpty else { continue }
            var text: [String: Any] = ["label": t["directory.field.\(key)"], "value": value]
            if let english = english(d, path) { text["english"] = english }
            texts.append(text)
        }
        data["texts"] = texts
        if let english = english(d, \.entity) { data["entityEn"] = english }
        var contacts: [[String: Any]] = []
        if let email = d.email, !email.isEmpty {
            contacts.append(["label": t["directory.field.email"], "value": email, "href": "mailto:\(email)"])
        }
        if let phone = d.phone, !phone.isEmpty {
            let dial = phone.filter { $0.isNumber || $0 == "+" }
            contacts.append(["label": t["directory.field.phone"], "value": phone, "href": "tel:\(dial)"])
        }
        if let website = d.website, !website.isEmpty {
            contacts.append(["label": t["directory.field.website"], "value": website, "href": website, "external": true])
        }
        data["contacts"] = contacts
        if let ping = entry.lastPing {
            data["ping"] = [
                "label": t["directory.ping.\(ping.status.rawValue)"], "at": ping.at.description, "text": TimeText.display(ping.at, t),
            ]
        }
        trust(entry, in: directory, into: &data)
        if case .identityChanged(let pinned, _) = directory.verdicts[entry.pocID] {
            data["changed"] = true
            data["pinnedGroups"] = pinned.groups
        }
        if let mine = directory.entry(me) { data["myGroups"] = mine.fingerprint.groups }
        data["myID"] = me.rawValue
        return data
    }

    /// The English translation of one text field, when the interface is not
    /// in the entry's language and the entry has one that differs.
    private func english(_ details: EntryDetails, _ field: KeyPath<EntryTranslation, String?>) -> String? {
        guard details.entryLanguage.rawValue != language.rawValue, let english = details.translationEn?[keyPath: field],
            !english.isEmpty
        else { return nil }
        return english
    }

    /// The trust state as a word (and its class for the colour).
    private func trust(_ entry: DirectoryEntry, in directory: VerifiedDirectory, into row: inout [String: Any]) {
        let level = directory.trust[entry.pocID] ?? .pinned
        row["trust"] = level.rawValue
        row["trustLabel"] = catalog["directory.trust.\(level.rawValue)"]
        row["isVerified"] = level == .verified
    }
}

import Foundation

/// The interface's strings in one language (the JSON files of
/// `Resources/catalogs/LANG/`, one per area of the interface, flat keys such as
/// `nav.inbox`), falling back to English for a key it lacks.
public struct Catalog: Sendable {
    /// The catalog's language.
    public let language: UILanguage
    /// This language's strings.
    public let strings: [String: String]
    /// The English strings, for keys this language lacks.
    let fallback: [String: String]

    /// Creates a catalog over `strings`, falling back to `fallback`.
    public init(language: UILanguage, strings: [String: String], fallback: [String: String]) {
        self.language = language
        self.strings = strings
        self.fallback = fallback
    }

    /// The string for `key`: this language's, else English, else the key itself.
    public subscript(key: String) -> String {
        strings[key] ?? fallback[key] ?? key
    }

    /// `key` with each `{name}` replaced by its value.
    public func format(_ key: String, _ values: [String: String]) -> String {
        var text = self[key]
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    /// Every key as a nested dictionary (`nav.inbox` under `nav`, then `inbox`),
    /// for templates to write `{{t.nav.inbox}}`. A key that is also the prefix
    /// of another is not allowed (``Catalogs`` checks it on load).
    func nested() -> [String: Any] {
        var root: [String: Any] = [:]
        for key in Set(fallback.keys).union(strings.keys) {
            insert(self[key], at: key.split(separator: ".").map(String.init)[...], into: &root)
        }
        return root
    }

    private func insert(_ value: String, at path: ArraySlice<String>, into node: inout [String: Any]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            node[head] = value
            return
        }
        var child = node[head] as? [String: Any] ?? [:]
        insert(value, at: path.dropFirst(), into: &child)
        node[head] = child
    }
}

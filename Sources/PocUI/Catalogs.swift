import PocKit

/// The catalogs of the six languages, English first: every lookup falls back to English.
public struct Catalogs: Sendable {
    private let byLanguage: [UILanguage: Catalog]
    /// The raw tables as loaded, for completeness checks.
    public let tables: [UILanguage: [String: String]]

    /// Builds the catalogs; English is required.
    /// - Throws: a ``PocKit/PocError`` without English, or with a key that is also
    ///   the prefix of another (`a.b` beside `a.b.c` cannot nest for templates).
    init(tables: [UILanguage: [String: String]]) throws(PocError) {
        guard let english = tables[.en] else { throw PocError("the English catalog catalogs/en is missing") }
        let keys = Set(english.keys)
        for key in keys where keys.contains(where: { $0.hasPrefix(key + ".") }) {
            throw PocError("the catalog key \(key) is also the prefix of another key")
        }
        self.tables = tables
        var byLanguage: [UILanguage: Catalog] = [:]
        for language in UILanguage.allCases {
            byLanguage[language] = Catalog(language: language, strings: tables[language] ?? [:], fallback: english)
        }
        self.byLanguage = byLanguage
    }

    /// The catalog of `language` (English strings where it lacks one).
    public subscript(language: UILanguage) -> Catalog {
        byLanguage[language] ?? Catalog(language: language, strings: [:], fallback: tables[.en] ?? [:])
    }

    /// Keys English has that `language` lacks, and keys it has that English does not.
    public func differences(_ language: UILanguage) -> (missing: [String], extra: [String]) {
        let english = Set(tables[.en]?.keys ?? [:].keys)
        let other = Set(tables[language]?.keys ?? [:].keys)
        return (english.subtracting(other).sorted(), other.subtracting(english).sorted())
    }
}

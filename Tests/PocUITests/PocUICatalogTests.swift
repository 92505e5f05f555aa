import Foundation
import Testing

@testable import PocUI

@Suite("poc ui: catalogs and languages")
struct PocUICatalogTests {
    @Test("every catalog has exactly the keys of English, and every string is translated into the six languages")
    func catalogsComplete() throws {
        let resources = try UIResources.load()
        let tables = resources.catalogs.tables
        #expect(Set(tables.keys) == Set(UILanguage.allCases))
        let english = try #require(tables[.en])
        #expect(english.count > 40)
        for language in UILanguage.allCases {
            let (missing, extra) = resources.catalogs.differences(language)
            #expect(missing.isEmpty, "\(language.rawValue) lacks \(missing)")
            #expect(extra.isEmpty, "\(language.rawValue) has keys English does not: \(extra)")
            for (key, value) in tables[language] ?? [:] {
                #expect(!value.isEmpty, "\(language.rawValue): \(key) is empty")
            }
        }
        #expect(tables[.fr]?["header.poc"] == "Point de contact")
        #expect(tables[.es]?["header.poc"] == "Punto de contacto")
        #expect(tables[.ru]?["header.poc"] == "Контактное лицо")
        #expect(tables[.zh]?["header.poc"] == "联络点")
        #expect(tables[.ar]?["header.poc"] == "جهة اتصال")
    }

    @Test("a catalog that lacks a key is caught, and the page falls back to English")
    func missingKeyCaughtAndFallsBack() throws {
        let catalogs = try Catalogs(tables: [.en: ["nav.inbox": "Inbox", "nav.skip": "Skip"], .fr: ["nav.inbox": "Boîte", "nav.extra": "x"]])
        let (missing, extra) = catalogs.differences(.fr)
        #expect(missing == ["nav.skip"])
        #expect(extra == ["nav.extra"])
        #expect(catalogs[.fr]["nav.skip"] == "Skip")
        #expect(catalogs[.fr]["nav.inbox"] == "Boîte")
        #expect(catalogs[.ar]["nav.inbox"] == "Inbox")
        #expect(throws: (any Error).self) { try Catalogs(tables: [.en: ["a.b": "x", "a.b.c": "y"]]) }
    }

    @Test("Accept-Language: q-values, q=0 refused, regions ignored; the cookie wins; else English")
    func negotiation() {
        #expect(UILanguage.negotiate(cookie: nil, acceptLanguage: nil) == .en)
        #expect(UILanguage.negotiate(cookie: "ar", acceptLanguage: "fr") == .ar)
        #expect(UILanguage.negotiate(cookie: "xx", acceptLanguage: "ru-RU,ru;q=0.9") == .ru)
        #expect(UILanguage.negotiate(cookie: nil, acceptLanguage: "de-DE, es;q=0.4, fr;q=0.7") == .fr)
        #expect(UILanguage.negotiate(cookie: nil, acceptLanguage: "ar;q=0, en;q=0.1") == .en)
        #expect(UILanguage.negotiate(cookie: nil, acceptLanguage: "de, ja") == .en)
        #expect(UILanguage.negotiate(cookie: nil, acceptLanguage: "ZH-hans-CN") == .zh)
        #expect(UILanguage.ar.direction == "rtl" && UILanguage.en.direction == "ltr")
    }
}

@Suite("poc ui: the stylesheet lays out both directions")
struct PocUIStylesheetTests {
    @Test("ui.css: logical properties only (Arabic mirrors), a visible focus, a skip link, and text contrast of at least 4.5:1")
    func logicalPropertiesOnly() throws {
        let resources = try UIResources.load()
        let css = String(decoding: try #require(resources.staticFiles["ui.css"]).bytes, as: UTF8.self)
        // Every stylesheet of a page (compose.css, dashboard.css, ...) follows the same rule.
        let allCSS = resources.staticFiles.filter { $0.key.hasSuffix(".css") }.map { String(decoding: $0.value.bytes, as: UTF8.self) }
        for physical in [
            "margin-left", "margin-right", "padding-left", "padding-right", "border-left", "border-right", "text-align: left",
            "text-align: right", "float:", " left:", " right:",
        ] {
            #expect(!allCSS.contains { $0.contains(physical) }, "a stylesheet uses \(physical)")
        }
        #expect(css.contains(":focus-visible"))
        // Every text colour on its background, from the :root variables: at least 4.5:1 (WCAG 2.1 AA).
        var colours: [String: String] = ["white": "#ffffff", "black": "#000000"]
        for match in css.matches(of: /--([a-z-]+):\s*(#[0-9a-f]{6});/) { colours[String(match.1)] = String(match.2) }
        let pairs = [
            ("text", "background"), ("muted", "background"), ("muted", "surface"), ("link", "background"), ("text", "surface"),
            ("white", "accent"), ("accent", "white"), ("white", "flash"), ("white", "immediate"), ("white", "priority"),
            ("white", "routine"), ("exercise-text", "exercise-bg"), ("error", "background"),
        ]
        for (foreground, background) in pairs {
            let ratio = try Self.contrast(#require(colours[foreground]), #require(colours[background]))
            #expect(ratio >= 4.5, "\(foreground) on \(background): \(ratio)")
        }
        #expect(css.contains(".skip-link"))
    }

    /// The WCAG contrast ratio of two `#rrggbb` colours.
    static func contrast(_ a: String, _ b: String) -> Double {
        func luminance(_ hex: String) -> Double {
            let value = Int(hex.dropFirst(), radix: 16) ?? 0
            let channels = [value >> 16, (value >> 8) & 0xFF, value & 0xFF].map { Double($0) / 255 }
            let linear = channels.map { $0 <= 0.03928 ? $0 / 12.92 : pow(($0 + 0.055) / 1.055, 2.4) }
            return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
        }
        let (high, low) = (max(luminance(a), luminance(b)), min(luminance(a), luminance(b)))
        return (high + 0.05) / (low + 0.05)
    }
}

import Foundation
import ProcessLaunch
import RelayTestSupport
import Testing

extension UIHomes {
    /// Starts `poc ui --no-open` for `home` without the passphrase file (the
    /// page asks for it) and returns it with the login address of its first line.
    func startUI(home: String) async throws -> (ui: ChildProcess, login: URL) {
        var variables = environment
        variables["POC_PASSPHRASE_FILE"] = nil
        let ui = try ChildProcess(executable: poc.url.path, arguments: ["ui", "--no-open", "--home", homes.file(home)], environment: variables)
        do {
            let line = try await Self.firstLine(of: ui)
            let login = try #require(URL(string: line), "not a URL: \(line)")
            return (ui, login)
        } catch {
            await ui.kill9()
            throw error
        }
    }
}

/// What the end-to-end test does in a page of `poc ui`.
enum EndToEndPage {
    /// Opens the login link and unlocks with the passphrase form; ends on the inbox.
    static func loginAndUnlock(_ browser: WebDriver, _ login: URL) async throws {
        try await browser.navigate(to: login)
        let field = try await browser.waitForElement("#passphrase")
        try await field.sendKeys(UIHomes.passphrase)
        try await browser.findElement(".unlock-form button[type='submit']").click()
        _ = try await browser.waitForElement("#inbox-live")
    }

    /// The address of `path` on the server of `login`.
    static func url(_ login: URL, _ path: String, query: String? = nil) -> URL {
        var components = URLComponents(url: login, resolvingAgainstBaseURL: false)!
        components.path = path
        components.query = query
        return components.url!
    }

    /// Polls the open inbox (no reload) for a row whose text holds every one of `texts`.
    static func waitForRow(
        _ browser: WebDriver, containing texts: [String], timeout: Duration = .seconds(45)
    ) async throws
        -> WebDriverElement
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            for row in try await browser.findElements("table.inbox tbody tr") {
                if let text = try? await row.text(), texts.allSatisfy({ text.contains($0) }) { return row }
            }
            try #require(ContinuousClock.now < deadline, "no inbox row with \(texts) within \(timeout)")
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Opens the message of `row` (its link, then the Open button) and waits for the opened page.
    static func open(_ browser: WebDriver, row: WebDriverElement) async throws {
        try await row.findElement("a[href^='/message/']").click()
        try await browser.waitForElement(".open-message button").click()
        try await waitForText(browser, ".notice", containing: "signed receipt")
    }

    /// Polls until an element of `selector` has a text holding `text` (the page
    /// that a click leads to may still be loading: the old page's element is skipped).
    @discardableResult
    static func waitForText(
        _ browser: WebDriver, _ selector: String, containing text: String, timeout: Duration = .seconds(30),
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        var seen: [String] = []
        while true {
            for element in (try? await browser.findElements(selector)) ?? [] {
                if let shown = try? await element.text() {
                    if shown.contains(text) { return shown }
                    seen.append(shown)
                }
            }
            try #require(
                ContinuousClock.now < deadline, "no \(selector) with \"\(text)\" within \(timeout); seen: \(seen.suffix(3))",
                sourceLocation: sourceLocation)
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Reloads `url` until `selector` is on the page.
    static func reload(
        _ browser: WebDriver, _ url: URL, until selector: String, timeout: Duration = .seconds(45)
    ) async throws
        -> WebDriverElement
    {
        let deadline = ContinuousClock.now + timeout
        while true {
            try await browser.navigate(to: url)
            if let found = try await browser.findElements(selector).first { return found }
            try #require(ContinuousClock.now < deadline, "\(selector) not on \(url.path) within \(timeout)")
            try await Task.sleep(for: .milliseconds(500))
        }
    }

    /// The page's text, one piece per text node (so words of neighbouring
    /// elements never run together) and the labels a screen reader reads,
    /// leaving out what the rules allow untranslated: ids, fingerprints, URLs,
    /// times, TLP labels and the sender's own text, which the templates put in
    /// `bdi`, `code`, `time`, `dir="ltr"` and `dir="auto"` elements, and text
    /// marked as another language (the picker names each language in its own).
    static func translatableText(_ browser: WebDriver) async throws -> [String] {
        let value = try await browser.executeScript(
            """
            const own = document.documentElement.lang;
            const skip = "bdi, code, pre, time, script, style, [dir=ltr], [dir=auto], .tlp, textarea, [lang]:not([lang='" + own + "'])";
            // The root element is dir="ltr" on an English page: only elements inside the body count.
            const skipped = (element) => {
              const hit = element.closest(skip);
              return hit !== null && hit !== document.documentElement;
            };
            const pieces = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            while (walker.nextNode()) {
              const node = walker.currentNode;
              if (node.parentElement && skipped(node.parentElement)) continue;
              const text = node.textContent.replace(/\\s+/g, " ").trim();
              if (text) pieces.push(text);
            }
            for (const element of document.body.querySelectorAll("[aria-label], [title], [placeholder], [alt]")) {
              if (skipped(element)) continue;
              for (const name of ["aria-label", "title", "placeholder", "alt"]) {
                const text = (element.getAttribute(name) || "").trim();
                if (text) pieces.push(text);
              }
            }
            pieces.push(document.title);
            return pieces;
            """)
        return value.array?.compactMap(\.string) ?? []
    }
}

/// The English catalog strings, to find any of them on an Arabic page.
struct CatalogStrings {
    /// Literal parts (between `{placeholders}`) of every English string that
    /// Arabic translates differently, with the key they come from.
    let english: [(key: String, text: String)]
    /// Every Arabic string: a piece equal to one is translated even when it is Latin (`TLP`).
    let arabic: Set<String>

    static func load() throws -> CatalogStrings {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/PocUI/Resources/catalogs")
        func table(_ language: String) throws -> [String: String] {
            var all: [String: String] = [:]
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(language).path)
            for name in names where name.hasSuffix(".json") {
                let data = try Data(contentsOf: folder.appendingPathComponent("\(language)/\(name)"))
                all.merge(try JSONDecoder().decode([String: String].self, from: data)) { first, _ in first }
            }
            return all
        }
        let en = try table("en")
        let ar = try table("ar")
        var parts: [(String, String)] = []
        for (key, text) in en.sorted(by: { $0.key < $1.key }) where ar[key] != text {
            for part in text.split(separator: /\{[a-z_]+\}/) {
                let literal = part.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters))
                if literal.filter(\.isLetter).count >= 3 { parts.append((key, literal)) }
            }
        }
        return CatalogStrings(english: parts, arabic: Set(ar.values.map { $0.trimmingCharacters(in: .whitespaces) }))
    }

    /// The English strings found in `pieces` as whole words, and the pieces
    /// that are the same as on the English page (Latin text the Arabic page did not translate).
    func untranslated(_ pieces: [String], englishPage: [String]) -> [String] {
        var found: [String] = []
        for piece in pieces {
            let text = piece.replacingOccurrences(of: "POC Relay", with: " ")
            for (key, english) in self.english where Self.containsWord(english, in: text) {
                found.append("\(key) \"\(english)\" in \"\(piece)\"")
            }
        }
        let english = Set(englishPage)
        // Codes and ids (a state's DEU, a POC's DEU-TEC-1) read the same in every language.
        let code = /[A-Z0-9 .:\-]+/
        for piece in pieces where english.contains(piece) && !arabic.contains(piece) && (try? code.wholeMatch(in: piece)) == nil {
            let latin = piece.replacingOccurrences(of: "POC Relay", with: " ").unicodeScalars.filter {
                ("a"..."z").contains($0) || ("A"..."Z").contains($0)
            }
            if latin.count >= 3 { found.append("the same as in English: \"\(piece)\"") }
        }
        return found
    }

    /// Whether `word` occurs in `text` with no letter right before or after it.
    static func containsWord(_ word: String, in text: String) -> Bool {
        var searchRange = text.startIndex..<text.endIndex
        while let range = text.range(of: word, range: searchRange) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) { return true }
            searchRange = range.upperBound..<text.endIndex
        }
        return false
    }
}

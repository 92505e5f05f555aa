import Foundation
import NIOHTTP1
import PocKit
import PocUI
import RelayProtocol
import RelayService
import RelayTestSupport
import Sodium
import Testing

extension UIFixture {
    /// The session cookie as the directory and settings tests send it.
    static func directorySession(_ cookie: String, language: String? = nil) -> [String: String] {
        var cookies = ["poc_session": cookie]
        if let language { cookies["lang"] = language }
        return cookies
    }

    /// FRA's entry in French with an English translation, before the interface starts.
    static func frenchEntry(_ root: TemporaryDirectory) async {
        await poc(
            root, "fra",
            [
                "directory", "update", "--entry-language", "fr", "--entity", "Agence nationale de la sécurité", "--entity-en",
                "National security agency", "--phone", "+33 1 00 00 00 01",
            ])
    }

    /// The fingerprint `poc whoami` prints for `home` (the 8 groups).
    static func fingerprint(_ root: TemporaryDirectory, _ home: String) async -> String {
        let out = await poc(root, home, ["whoami"])
        let line = out.split(separator: "\n").first { $0.hasPrefix("fingerprint: ") } ?? ""
        return String(line.dropFirst("fingerprint: ".count))
    }
}

@Suite("poc ui: the directory, against a live relay")
struct PocUIDirectoryTests {
    @Test("the list: every POC with its trust; search by state, role and text with a GET form; a bad state is 422 with the form kept")
    func listAndSearch() async throws {
        var fra = ""
        var deu = ""
        try await UIFixture.with(prepare: { root, fraID, deuID in
            (fra, deu) = (fraID, deuID)
            await UIFixture.frenchEntry(root)
        }) { ui in
            let (cookie, _) = try await ui.loginAndUnlock()
            let session = UIFixture.directorySession(cookie)
            let all = try await ui.request(.GET, "/directory", cookies: session)
            #expect(all.status == 200)
            #expect(all.body.contains(#"<a href="/directory/\#(fra)"><bdi dir="ltr" class="poc">\#(fra)</bdi></a>"#))
            #expect(all.body.contains(#"<a href="/directory/\#(deu)">"#))
            #expect(all.body.contains("2 of 2 points of contact shown."))
            #expect(all.body.contains(#"<span class="trust-state trust-state-verified">Verified out of band</span>"#), "its own key")
            #expect(all.body.contains(#"<span class="trust-state trust-state-pinned">Pinned, not verified</span>"#))
            // The French entry in French, its English translation beside it (the interface is in English).
            #expect(all.body.contains(#"<span lang="fr" dir="auto" class="entry-text">Agence nationale de la sécurité</span>"#))
            #expect(all.body.contains("National security agency"))
            #expect(all.body.contains(#"<caption>Points of contact, by state and role</caption>"#))
            #expect(all.body.contains(#"<th scope="col">"#))
            #expect(all.body.contains(#"<label for="directory-q">"#) && all.body.contains(#"method="get" action="/directory""#))

            let byState = try await ui.request(.GET, "/directory?state=FRA&role=&q=", cookies: session)
            #expect(byState.status == 200)
            #expect(byState.body.contains(fra) && !byState.body.contains(#"href="/directory/\#(deu)""#))
            #expect(byState.body.contains(#"<option value="FRA" selected>FRA</option>"#))
            let byRole = try await ui.request(.GET, "/directory?role=diplomatic", cookies: session)
            #expect(byRole.body.contains("No point of contact matches this search."))
            #expect(byRole.body.contains(#"<option value="diplomatic" selected>Diplomatic</option>"#))
            // The text matches the entity in either language, without case or accents.
            let byText = try await ui.request(.GET, "/directory?q=SECURITE", cookies: session)
            #expect(byText.body.contains("1 of 2 points of contact shown.") && byText.body.contains(fra))
            let byEnglish = try await ui.request(.GET, "/directory?q=national+security", cookies: session)
            #expect(byEnglish.body.contains("1 of 2 points of contact shown."))

            let badState = try await ui.request(.GET, "/directory?state=F1&q=agence", cookies: session)
            #expect(badState.status == 422)
            #expect(badState.body.contains("The state must be an ISO 3166-1 alpha-3 code of three letters, such as FRA."))
            #expect(badState.body.contains(#"value="agence""#), "the text typed is kept")
            let badRole = try await ui.request(.GET, "/directory?role=king", cookies: session)
            #expect(badRole.status == 422 && badRole.body.contains("Choose a role from the list."))
            let long = try await ui.request(.GET, "/directory?q=\(String(repeating: "a", count: 201))", cookies: session)
            #expect(long.status == 422)

            // The same search in Arabic: right to left, Arabic labels, the entry's own French and its English.
            let arabic = try await ui.request(.GET, "/directory?state=FRA", cookies: UIFixture.directorySession(cookie, language: "ar"))
            #expect(arabic.status == 200)
            #expect(arabic.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.body.contains("<h1>الدليل</h1>"))
            #expect(arabic.body.contains("عُرضت 1 من أصل 2 جهة اتصال."))
            #expect(arabic.body.contains("Agence nationale de la sécurité") && arabic.body.contains("National security agency"))
            #expect(arabic.body.contains("مثبّت، غير مُتحقَّق منه"))
            // In French, the French entry needs no translation beside it.
            let french = try await ui.request(.GET, "/directory?state=FRA", cookies: UIFixture.directorySession(cookie, language: "fr"))
            #expect(french.body.contains("Agence nationale de la sécurité") && !french.body.contains("National security agency"))
        }
    }

    @Test("an entry: the fingerprint in the CLI's groups, the contacts, and the verify flow (CSRF, empty, mismatch kept, then recorded)")
    func entryAndVerify() async throws {
        var fra = ""
        var fingerprint = ""
        try await UIFixture.with(prepare: { root, fraID, _ in
            fra = fraID
            await UIFixture.frenchEntry(root)
            fingerprint = await UIFixture.fingerprint(root, "fra")
        }) { ui in
            #expect(fingerprint.count == 39, "whoami: \(fingerprint)")
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = UIFixture.directorySession(cookie)
            let page = try await ui.request(.GET, "/directory/\(fra)", cookies: session)
            #expect(page.status == 200)
            let groups = fingerprint.split(separator: " ")
            for (index, group) in groups.enumerated() {
                #expect(
                    page.body.contains(
                        #"<li><span class="group-index" aria-hidden="true">\#(index + 1)</span><code class="group">\#(group)</code></li>"#))
            }
            #expect(page.body.contains(#"<a href="mailto:fra@example.org" dir="ltr">fra@example.org</a>"#))
            #expect(page.body.contains(#"<a href="tel:+33100000001" dir="ltr">+33 1 00 00 00 01</a>"#))
            #expect(page.body.contains("Read your own fingerprint aloud") || page.body.contains("read your own fingerprint aloud"))
            #expect(page.body.contains(#"action="/directory/\#(fra)/verify""#))
            #expect(page.body.contains(#"<label for="verify-fingerprint">"#))

            let path = "/directory/\(fra)/verify"
            let noToken = try await ui.request(.POST, path, cookies: session, form: [("fingerprint", fingerprint)])
            #expect(noToken.status == 403)
            let empty = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("fingerprint", "  ")])
            #expect(empty.status == 422 && empty.body.contains("Type the fingerprint that the point of contact read to you."))
            var wrongGroups = groups.map(String.init)
            wrongGroups[7] = wrongGroups[7] == "0000" ? "1111" : "0000"
            let wrong = wrongGroups.joined(separator: " ")
            let mismatch = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("fingerprint", wrong)])
            #expect(mismatch.status == 422)
            #expect(mismatch.body.contains("Not recorded: the fingerprint typed is not the one the relay shows"))
            #expect(mismatch.body.contains(#"value="\#(wrong)""#), "what was typed is kept")
            let notHex = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("fingerprint", "hello")])
            #expect(notHex.status == 422 && notHex.body.contains("Not recorded:") && notHex.body.contains(#"value="hello""#))
            let stillPinned = try await ui.request(.GET, "/directory/\(fra)", cookies: session)
            #expect(stillPinned.body.contains("Pinned, not verified"), "nothing recorded by the refused forms")

            // Typed as read aloud: lowercase and without spaces does not matter.
            let typed = fingerprint.replacingOccurrences(of: " ", with: "").lowercased()
            let verified = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("fingerprint", typed)])
            #expect(verified.status == 303, "\(verified.body)")
            #expect(verified.headers.first(name: "Location") == "/directory/\(fra)?verified=1")
            let after = try await ui.request(.GET, "/directory/\(fra)?verified=1", cookies: session)
            #expect(after.body.contains("Recorded: this key is verified out of band."))
            #expect(after.body.contains(#"<span class="trust-state trust-state-verified">Verified out of band</span>"#))
            let list = try await ui.request(.GET, "/directory?state=FRA", cookies: session)
            #expect(list.body.contains(#"<tr class="trust-row-verified">"#))

            // In Arabic: right to left, the groups left to right.
            let arabic = try await ui.request(.GET, "/directory/\(fra)", cookies: UIFixture.directorySession(cookie, language: "ar"))
            #expect(arabic.body.contains(#"dir="rtl""#) && arabic.body.contains(#"<ol class="fingerprint" dir="ltr""#))
            #expect(arabic.body.contains("التحقق من هذا المفتاح بالهاتف"))
        }
    }

    @Test("a changed key: shown as KEY CHANGED with the old fingerprint; refused without the confirmation and with the old fingerprint")
    func changedKey() async throws {
        var fra = ""
        var oldFingerprint = ""
        var fingerprint = ""
        try await UIFixture.with(prepare: { root, fraID, _ in
            fra = fraID
            fingerprint = await UIFixture.fingerprint(root, "fra")
            // DEU pinned another identity key for FRA before: what the relay shows now is a change.
            let client = try PocClient.open(
                home: PocHome(explicit: root.file("deu"), environment: [:]), passphrase: SecretBytes(copying: Array(UIFixture.passphrase.utf8)))
            let directory = try await client.verifiedDirectory()
            let entry = try #require(directory.entry(try POCID(fraID)))
            var pin = Pin(entry: entry, at: .now(), verified: true)
            let other = SigningKeyPair().publicKey
            pin.signingKey = Base64Bytes(other.rawRepresentation)
            oldFingerprint = Fingerprint(of: other).grouped
            try client.record.put(.pin, id: fraID, at: .now(), pin)
            await client.shutdown()
        }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = UIFixture.directorySession(cookie)
            let list = try await ui.request(.GET, "/directory", cookies: session)
            #expect(list.body.contains(#"<tr class="trust-row-changed">"#))
            #expect(list.body.contains(#"<span class="trust-state trust-state-changed">KEY CHANGED</span>"#))
            let page = try await ui.request(.GET, "/directory/\(fra)", cookies: session)
            #expect(page.body.contains("The key of this point of contact changed."))
            #expect(page.body.contains(oldFingerprint))
            #expect(page.body.contains(#"name="confirm_change""#))

            let path = "/directory/\(fra)/verify"
            let unconfirmed = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("fingerprint", fingerprint)])
            #expect(unconfirmed.status == 422)
            #expect(unconfirmed.body.contains("The key changed: tick the box"))
            #expect(unconfirmed.body.contains(#"value="\#(fingerprint)""#))
            let old = try await ui.request(
                .POST, path, cookies: session, form: [("csrf", csrf), ("fingerprint", oldFingerprint), ("confirm_change", "1")])
            #expect(old.status == 422)
            #expect(old.body.contains("Not recorded: the fingerprint typed is not the one the relay shows"))
            #expect(old.body.contains(#"id="verify-confirm" name="confirm_change" type="checkbox" value="1" checked"#), "the box stays ticked")
            #expect(try await ui.request(.GET, "/directory/\(fra)", cookies: session).body.contains("KEY CHANGED"))

            let confirmed = try await ui.request(
                .POST, path, cookies: session, form: [("csrf", csrf), ("fingerprint", fingerprint), ("confirm_change", "1")])
            #expect(confirmed.status == 303, "\(confirmed.body)")
            let after = try await ui.request(.GET, "/directory/\(fra)", cookies: session)
            #expect(after.body.contains("Verified out of band") && !after.body.contains("KEY CHANGED"))
        }
    }

    @Test("the directory's guards: no session is the login page, locked keys go to /unlock, an unknown or malformed id is 404")
    func guards() async throws {
        try await UIFixture.with { ui in
            for path in ["/directory", "/directory/FRA-TEC-1"] {
                let anonymous = try await ui.request(.GET, path)
                #expect(anonymous.status == 401, "\(path)")
            }
            let cookie = try await ui.login()
            let session = UIFixture.directorySession(cookie)
            let locked = try await ui.request(.GET, "/directory", cookies: session)
            #expect(locked.status == 303 && locked.headers.first(name: "Location") == "/unlock")
            let unlockPage = try await ui.request(.GET, "/unlock", cookies: session)
            let csrf = try UIFixture.csrf(in: unlockPage.body)
            let lockedPost = try await ui.request(
                .POST, "/directory/FRA-TEC-1/verify", cookies: session, form: [("csrf", csrf), ("fingerprint", "x")])
            #expect(lockedPost.status == 303 && lockedPost.headers.first(name: "Location") == "/unlock")
            _ = try await ui.request(.POST, "/unlock", cookies: session, form: [("csrf", csrf), ("passphrase", UIFixture.passphrase)])
            let unknown = try await ui.request(.GET, "/directory/ZZZ-TEC-9", cookies: session)
            #expect(unknown.status == 404 && unknown.body.contains("No active point of contact has this id"))
            let malformed = try await ui.request(.GET, "/directory/not%20an%20id", cookies: session)
            #expect(malformed.status == 404)
            let unknownVerify = try await ui.request(
                .POST, "/directory/ZZZ-TEC-9/verify", cookies: session, form: [("csrf", csrf), ("fingerprint", String(repeating: "A", count: 32))])
            #expect(unknownVerify.status == 404 || unknownVerify.status == 422)
        }
    }
}

@Suite("poc ui: the directory with about 500 entries")
struct PocUIDirectoryScaleTests {
    @Test(
        "about 500 entries (1,000 are relay-benchmarks ui's): the list renders a hundred a page with its trust, the pages are linked, and a search narrows it; timings printed, not asserted"
    )
    func thousandEntries() async throws {
        try await UIFixture.with(prepare: { _, _, _ in }) { ui in
            let codes = StateCode.assignedCountryCodes.sorted().filter { $0 != "FRA" && $0 != "DEU" }
            var enrolled = 0
            for round in 0..<5 {
                for code in codes where enrolled < 494 {
                    let role: Role = round % 2 == 0 ? .technical : .diplomatic
                    let invite = try await ui.relay.service.invite(state: try StateCode(code), role: role)
                    let identity = SigningKeyPair(), box = BoxKeyPair()
                    let certificate = KeyCertificate.issue(boxKey: box.publicKey, createdAt: .now(), identity: identity)
                    let details = EntryDetails(
                        kind: .institution, entity: "\(code) \(role) team \(round)", email: "poc\(round)@\(code.lowercased()).example",
                        languages: ["en"], entryLanguage: .fr, translationEn: EntryTranslation(entity: "\(code) team"))
                    _ = try await ui.relay.service.enrol(
                        EnrolRequest(
                            token: invite.token, signingKey: identity.publicKey.rawRepresentation, keyCertificate: certificate, entry: details))
                    enrolled += 1
                }
            }
            let (cookie, _) = try await ui.loginAndUnlock()
            let session = UIFixture.directorySession(cookie)
            var timings: [Duration] = []
            var body = ""
            for _ in 0..<4 {
                let start = ContinuousClock.now
                let page = try await ui.request(.GET, "/directory", cookies: session)
                timings.append(ContinuousClock.now - start)
                #expect(page.status == 200)
                body = page.body
            }
            let total = enrolled + 2
            #expect(body.contains("100 of \(total) points of contact shown."))
            // A hundred a page, the pages linked; the last page holds the rest.
            #expect(body.components(separatedBy: "<tr class=\"trust-row-").count - 1 == 100)
            #expect(
                body.contains("Page 1 of 5: points of contact 1 to 100 of \(total)")
                    && body.contains("href=\"/directory?page=2\" rel=\"next\">Next page</a>"))
            let last = try await ui.request(.GET, "/directory?page=5", cookies: session)
            #expect(last.body.components(separatedBy: "<tr class=\"trust-row-").count - 1 == total - 400)
            #expect(
                last.body.contains("Page 5 of 5: points of contact 401 to \(total) of \(total)")
                    && last.body.contains("href=\"/directory?page=4\" rel=\"prev\">Previous page</a>"))
            #expect(last.body.contains("\(total - 400) of \(total) points of contact shown."))
            // A search keeps its terms on the page links.
            let technical = try await ui.request(.GET, "/directory?role=technical&page=2", cookies: session)
            #expect(technical.body.contains("href=\"/directory?role=technical&amp;page=1\" rel=\"prev\""))
            let start = ContinuousClock.now
            let search = try await ui.request(.GET, "/directory?state=ZWE&role=technical", cookies: session)
            let searchTime = ContinuousClock.now - start
            #expect(search.body.contains("1 of \(total) points of contact shown.") && search.body.contains("ZWE technical team 0"))
            print(
                "directory with \(total) entries: first \(timings[0]) (pins every key), then \(timings.dropFirst().map(\.description)); search \(searchTime)"
            )
        }
    }
}

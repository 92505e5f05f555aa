import Foundation
import NIOHTTP1
import PocUI
import RelayService
import RelayTestSupport
import Testing

@Suite("poc ui: unlocking, locking and the inbox, against a live relay")
struct PocUIInboxTests {
    /// `fra` sends `deu` a routine exercise message, then a FLASH with TLP:AMBER.
    static func send(_ root: TemporaryDirectory, _ deu: String) async {
        await UIFixture.poc(
            root, "fra", ["send", "--to", deu, "--urgency", "routine", "--exercise", "--subject", "Drill: tabletop", "--body", "b"])
        await UIFixture.poc(
            root, "fra",
            ["send", "--to", deu, "--urgency", "flash", "--tlp", "amber", "--subject", "Cable <cut> & outage", "--body", "details"])
    }

    @Test("locked: the inbox sends to the unlock form; a wrong passphrase is refused; then the inbox lists the FLASH first")
    func inboxAfterUnlock() async throws {
        try await UIFixture.with(prepare: { root, _, deu in await Self.send(root, deu) }) { ui in
            let cookie = try await ui.login()
            let session = ["poc_session": cookie]
            let locked = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(locked.status == 303)
            #expect(locked.headers.first(name: "Location") == "/unlock")
            let form = try await ui.request(.GET, "/unlock", cookies: session)
            #expect(form.body.contains(#"type="password""#))
            #expect(form.body.contains("15 minutes"))
            let csrf = try UIFixture.csrf(in: form.body)
            let wrong = try await ui.request(.POST, "/unlock", cookies: session, form: [("csrf", csrf), ("passphrase", "not the passphrase")])
            #expect(wrong.status == 422)
            #expect(wrong.body.contains("Wrong passphrase"))
            let right = try await ui.request(.POST, "/unlock", cookies: session, form: [("csrf", csrf), ("passphrase", UIFixture.passphrase)])
            #expect(right.status == 303)

            let inbox = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(inbox.status == 200)
            let page = inbox.body
            #expect(page.contains(#"<html lang="en" dir="ltr">"#))
            #expect(page.contains("DEU-TEC-"), "the POC id in the header")
            #expect(page.contains(#"<span class="urgency urgency-flash">FLASH</span>"#))
            #expect(page.contains(#"<span class="urgency urgency-routine">ROUTINE</span>"#))
            #expect(page.contains("TLP:AMBER"))
            #expect(page.contains("Cable &lt;cut&gt; &amp; outage"), "the subject, HTML-escaped")
            #expect(!page.contains("Cable <cut>"))
            #expect(page.contains(#"<span class="exercise-mark">EXERCISE</span>"#))
            #expect(page.contains(#"<tr class="row-routine exercise">"#))
            #expect(page.contains("UTC"))
            let flash = try #require(page.range(of: "Cable &lt;cut&gt;"))
            let drill = try #require(page.range(of: "Drill: tabletop"))
            #expect(flash.lowerBound < drill.lowerBound, "most urgent first")
            #expect(page.contains(#"href="/message/"#))

            let lock = try await ui.request(.POST, "/lock", cookies: session, form: [("csrf", csrf)])
            #expect(lock.status == 303)
            let afterLock = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(afterLock.headers.first(name: "Location") == "/unlock", "the lock button drops the keys")
            let notice = try await ui.request(.GET, "/unlock?locked=1", cookies: session)
            #expect(notice.body.contains("the keys were erased from memory"))
        }
    }

    @Test("Arabic: lang and dir on <html>, from the picker's cookie or Accept-Language; other languages too")
    func languages() async throws {
        try await UIFixture.with(prepare: { root, _, deu in await Self.send(root, deu) }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let picked = try await ui.request(
                .POST, "/language", cookies: ["poc_session": cookie], form: [("csrf", csrf), ("lang", "ar"), ("back", "/inbox")])
            #expect(picked.status == 303)
            #expect(picked.headers.first(name: "Location") == "/inbox")
            let lang = try #require(picked.setCookie("lang"))
            #expect(lang.value == "ar")
            #expect(lang.line.contains("SameSite=Strict"))
            let arabic = try await ui.request(.GET, "/inbox", cookies: ["poc_session": cookie, "lang": "ar"])
            #expect(arabic.status == 200)
            #expect(arabic.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.body.contains("صندوق الوارد"))
            #expect(arabic.body.contains(#"<span class="urgency urgency-flash">فوري جدًا</span>"#))
            #expect(arabic.body.contains("تمرين"))
            #expect(arabic.body.contains(#"<option value="ar" lang="ar" selected>"#))

            let negotiated = try await ui.request(
                .GET, "/inbox", cookies: ["poc_session": cookie], headers: [("Accept-Language", "de;q=1, fr;q=0.5, zh-CN;q=0.8, ar;q=0")])
            #expect(negotiated.body.contains(#"<html lang="zh" dir="ltr">"#))
            #expect(negotiated.body.contains("特急"))
            let french = try await ui.request(.GET, "/inbox", cookies: ["poc_session": cookie, "lang": "fr"])
            #expect(french.body.contains("Point de contact"))
            #expect(french.body.contains("EXERCICE"))
            let unknown = try await ui.request(.GET, "/inbox", cookies: ["poc_session": cookie, "lang": "xx"])
            #expect(unknown.body.contains(#"<html lang="en" dir="ltr">"#))
            let back = try await ui.request(
                .POST, "/language", cookies: ["poc_session": cookie], form: [("csrf", csrf), ("lang", "es"), ("back", "//evil.example/")])
            #expect(back.headers.first(name: "Location") == "/inbox", "only a local path to go back to")
        }
    }

    @Test("the unlock form sent twice at once: both succeed, one client is kept and the other closed")
    func unlockTwiceAtOnce() async throws {
        try await UIFixture.with { ui in
            let cookie = try await ui.login()
            let session = ["poc_session": cookie]
            let csrf = try UIFixture.csrf(in: try await ui.request(.GET, "/unlock", cookies: session).body)
            let form = [("csrf", csrf), ("passphrase", UIFixture.passphrase)]
            async let first = ui.request(.POST, "/unlock", cookies: session, form: form)
            async let second = ui.request(.POST, "/unlock", cookies: session, form: form)
            let (a, b) = try await (first, second)
            #expect(a.status == 303 && b.status == 303, "\(a.status) \(b.status): \(b.body.split(separator: "\n").filter { $0.contains("error") })")
            let inbox = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(inbox.status == 200)
        }
    }

    @Test("the keys lock after the idle time, without a request")
    func idleLock() async throws {
        try await UIFixture.with(lockAfter: .seconds(1), idleCheckInterval: .milliseconds(200)) { ui in
            let (cookie, _) = try await ui.loginAndUnlock()
            try await Task.sleep(for: .seconds(3))
            let inbox = try await ui.request(.GET, "/inbox", cookies: ["poc_session": cookie])
            #expect(inbox.status == 303)
            #expect(inbox.headers.first(name: "Location") == "/unlock")
        }
    }
}

@Suite("poc ui: pings")
struct PocUIPingTests {
    @Test("a pending ping sits at the top with a one-click answer that needs the CSRF token; once answered it is gone")
    func answerPing() async throws {
        try await UIFixture.with { ui in
            _ = try await ui.relay.service.startCampaign(deadline: 3600)
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let inbox = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(inbox.body.contains("Pings waiting for an answer"))
            let marker = #"action="/ping/"#
            let start = try #require(inbox.body.range(of: marker)).upperBound
            let id = String(inbox.body[start...].prefix { $0 != "/" })
            #expect(id.hasPrefix("ping-"), "\(id)")
            let heading = try #require(inbox.body.range(of: "Pings waiting for an answer"))
            let list = try #require(inbox.body.range(of: "No messages are waiting."))
            #expect(heading.lowerBound < list.lowerBound, "pings at the top")

            let refused = try await ui.request(.POST, "/ping/\(id)/answer", cookies: session, form: [])
            #expect(refused.status == 403)
            let answered = try await ui.request(.POST, "/ping/\(id)/answer", cookies: session, form: [("csrf", csrf)])
            #expect(answered.status == 303, "\(answered.body)")
            #expect(answered.headers.first(name: "Location") == "/inbox?answered=1")
            let after = try await ui.request(.GET, "/inbox?answered=1", cookies: session)
            #expect(after.body.contains("Ping answered"))
            #expect(!after.body.contains("Pings waiting for an answer"))
            let unknown = try await ui.request(.POST, "/ping/ping-0000/answer", cookies: session, form: [("csrf", csrf)])
            #expect(unknown.status == 200)
            #expect(unknown.body.contains("The ping could not be answered: no pending ping ping-0000"))
        }
    }
}

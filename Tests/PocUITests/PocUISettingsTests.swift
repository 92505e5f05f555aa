import Foundation
import NIOHTTP1
import PocKit
import PocUI
import RelayProtocol
import RelayTestSupport
import Testing

@Suite("poc ui: settings, against a live relay")
struct PocUISettingsTests {
    @Test("a channel's health: unset without a target, failing when the last failure is the latest, working after a sent alert, else untested")
    func channelHealth() {
        let (early, late) = (Timestamp(secondsSince1970: 1_000), Timestamp(secondsSince1970: 2_000))
        func health(email: String?, sent: Timestamp?, failed: Timestamp?) -> AlertsOverview.Channel.Health? {
            let status = AlertChannelsStatus(channels: [
                .init(channel: .email, lastSentAt: sent, lastFailureAt: failed, lastFailure: failed.map { _ in "refused" }, pending: 1)
            ])
            return AlertsOverview(settings: AlertSettings(email: email, webhook: nil, urgencies: [.flash]), status: status).channels.first?.health
        }
        #expect(health(email: "a@example.org", sent: nil, failed: nil) == .untested)
        #expect(health(email: "a@example.org", sent: late, failed: nil) == .working)
        #expect(health(email: "a@example.org", sent: late, failed: early) == .working)
        #expect(health(email: "a@example.org", sent: early, failed: late) == .failing)
        #expect(health(email: "a@example.org", sent: nil, failed: early) == .failing)
        #expect(health(email: nil, sent: nil, failed: early) == .unset)
    }

    @Test(
        "alert channels: none set is warned; saved through PocKit (303); refused values are 422 with the form kept; a test alert names each channel")
    func alertChannels() async throws {
        try await UIFixture.with { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = UIFixture.directorySession(cookie)
            let page = try await ui.request(.GET, "/settings", cookies: session)
            #expect(page.status == 200)
            #expect(page.body.contains("No alert channel is set"))
            #expect(page.body.contains(#"<label for="alerts-email">E-mail address for alerts</label>"#))
            #expect(page.body.contains(#"id="urgency-flash" name="urgency_flash" type="checkbox" value="1" checked"#), "the default urgencies")
            #expect(page.body.contains(#"id="urgency-routine" name="urgency_routine" type="checkbox" value="1">"#))
            #expect(!page.body.contains(#"action="/settings/alerts/test""#), "nothing to test yet")

            let path = "/settings/alerts"
            let noToken = try await ui.request(.POST, path, cookies: session, form: [("email", "duty@example.org"), ("urgency_flash", "1")])
            #expect(noToken.status == 403)
            let noUrgency = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("email", "duty@example.org")])
            #expect(noUrgency.status == 422)
            #expect(noUrgency.body.contains("Choose at least one urgency. Nothing was changed."))
            #expect(noUrgency.body.contains(#"value="duty@example.org""#), "the address typed is kept")
            let badEmail = try await ui.request(
                .POST, path, cookies: session, form: [("csrf", csrf), ("email", "not an address"), ("urgency_priority", "1")])
            #expect(badEmail.status == 422)
            #expect(badEmail.body.contains("The alert channels were not changed:"))
            #expect(badEmail.body.contains(#"value="not an address""#))
            #expect(badEmail.body.contains(#"id="urgency-priority" name="urgency_priority" type="checkbox" value="1" checked"#))
            #expect(badEmail.body.contains(#"id="urgency-flash" name="urgency_flash" type="checkbox" value="1">"#), "the boxes as sent")
            #expect(try await ui.request(.GET, "/settings", cookies: session).body.contains("No alert channel is set"), "nothing changed")

            let saved = try await ui.request(
                .POST, path, cookies: session,
                form: [("csrf", csrf), ("email", " duty@example.org "), ("webhook", ""), ("urgency_flash", "1"), ("urgency_priority", "1")])
            #expect(saved.status == 303, "\(saved.body)")
            #expect(saved.headers.first(name: "Location") == "/settings?done=alerts")
            let after = try await ui.request(.GET, "/settings?done=alerts", cookies: session)
            #expect(after.body.contains("Alert channels saved."))
            #expect(after.body.contains(#"<bdi dir="ltr" class="target">duty@example.org</bdi>"#))
            #expect(after.body.contains(#"<span class="health health-untested">Not tested yet</span>"#))
            #expect(after.body.contains(#"id="urgency-priority" name="urgency_priority" type="checkbox" value="1" checked"#))
            #expect(after.body.contains(#"id="urgency-immediate" name="urgency_immediate" type="checkbox" value="1">"#))
            #expect(!after.body.contains("No alert channel is set"))
            #expect(after.body.contains(#"<caption>Each channel and how it fared</caption>"#))

            let tested = try await ui.request(.POST, "/settings/alerts/test", cookies: session, form: [("csrf", csrf)])
            #expect(tested.status == 303, "\(tested.body)")
            let location = tested.headers.first(name: "Location") ?? ""
            #expect(location.hasPrefix("/settings?done=tested&sent="), "\(location)")
            let report = try await ui.request(.GET, location, cookies: session)
            #expect(report.body.contains("Test alert taken by: E-mail.") || report.body.contains("Test alert FAILED on: E-mail."), "\(location)")

            let cleared = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("email", ""), ("urgency_flash", "1")])
            #expect(cleared.status == 303)
            let none = try await ui.request(.GET, "/settings", cookies: session)
            #expect(none.body.contains("No alert channel is set"))
            let nothing = try await ui.request(.POST, "/settings/alerts/test", cookies: session, form: [("csrf", csrf)])
            #expect(nothing.status == 422)
            #expect(nothing.body.contains("No test alert was sent:") && nothing.body.contains("no alert channel is set"))

            // In Arabic: the page right to left, a refusal in Arabic.
            let arabic = try await ui.request(
                .POST, path, cookies: UIFixture.directorySession(cookie, language: "ar"), form: [("csrf", csrf), ("email", "x@example.org")])
            #expect(arabic.status == 422)
            #expect(arabic.body.contains(#"dir="rtl""#) && arabic.body.contains("اختر درجة استعجال واحدة على الأقل. لم يُغيَّر شيء."))
        }
    }

    @Test("the unlock time: changed at runtime within 1 min to 8 h (303), else 422 with the value kept; the language form is the picker's")
    func unlockTimeAndLanguage() async throws {
        try await UIFixture.with { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = UIFixture.directorySession(cookie)
            let page = try await ui.request(.GET, "/settings", cookies: session)
            #expect(page.body.contains("The keys lock again after 15 minutes without activity."))
            #expect(page.body.contains(#"name="minutes" type="number" min="1" max="480""#))
            #expect(page.body.contains(#"<form class="settings-form" method="post" action="/language">"#))
            #expect(page.body.contains(#"<input type="hidden" name="back" value="/settings">"#))
            #expect(page.body.contains(#"id="settings-lang-en" name="lang" type="radio" value="en" checked"#))

            let path = "/settings/unlock-time"
            #expect(try await ui.request(.POST, path, cookies: session, form: [("minutes", "30")]).status == 403)
            for bad in ["0", "481", "abc", "", "2.5"] {
                let refused = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("minutes", bad)])
                #expect(refused.status == 422, "\(bad)")
                #expect(refused.body.contains("Give a whole number of minutes from 1 to 480. Nothing was changed."), "\(bad)")
                #expect(refused.body.contains(#"value="\#(bad)""#), "the value typed is kept: \(bad)")
            }
            let changed = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("minutes", "480")])
            #expect(changed.status == 303 && changed.headers.first(name: "Location") == "/settings?done=unlock_time")
            let after = try await ui.request(.GET, "/settings?done=unlock_time", cookies: session)
            #expect(after.body.contains("Unlock time changed: the keys now lock after 480 minutes without activity."))
            #expect(after.body.contains(#"value="480""#))

            let language = try await ui.request(.POST, "/language", cookies: session, form: [("csrf", csrf), ("lang", "zh"), ("back", "/settings")])
            #expect(language.status == 303 && language.headers.first(name: "Location") == "/settings")
            #expect(language.setCookie("lang")?.value == "zh")
            let chinese = try await ui.request(.GET, "/settings", cookies: UIFixture.directorySession(cookie, language: "zh"))
            #expect(chinese.body.contains("<h1>设置</h1>") && chinese.body.contains("密钥在无活动 480 分钟后再次锁定。"))
        }
    }

    @Test("settings' guards: no session is the login page; locked keys go to /unlock for the page and every form")
    func guards() async throws {
        try await UIFixture.with { ui in
            #expect(try await ui.request(.GET, "/settings").status == 401)
            let cookie = try await ui.login()
            let session = UIFixture.directorySession(cookie)
            let locked = try await ui.request(.GET, "/settings", cookies: session)
            #expect(locked.status == 303 && locked.headers.first(name: "Location") == "/unlock")
            let csrf = try UIFixture.csrf(in: try await ui.request(.GET, "/unlock", cookies: session).body)
            for path in ["/settings/alerts", "/settings/alerts/test", "/settings/unlock-time"] {
                let answer = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("minutes", "5")])
                #expect(answer.status == 303 && answer.headers.first(name: "Location") == "/unlock", "\(path)")
            }
        }
    }
}

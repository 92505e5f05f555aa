import Foundation
import NIOHTTP1
import PocUI
import Testing

@Suite("poc ui: the local server's guards, over a real socket")
struct PocUIGuardTests {
    @Test("the login token works once, for a cookie that is HttpOnly, SameSite=Strict, Path=/")
    func loginTokenWorksOnce() async throws {
        try await UIFixture.with { ui in
            #expect(ui.url.host == "127.0.0.1")
            #expect(ui.token.count == 64 && ui.token.allSatisfy(\.isHexDigit))
            let wrong = try await ui.request(.GET, "/login?token=" + String(repeating: "0", count: 64))
            #expect(wrong.status == 401)
            let first = try await ui.request(.GET, "/login?token=\(ui.token)")
            #expect(first.status == 303)
            #expect(first.headers.first(name: "Location") == "/inbox")
            let cookie = try #require(first.setCookie("poc_session"))
            #expect(cookie.value.count == 64 && cookie.value != ui.token)
            #expect(cookie.line.contains("HttpOnly"))
            #expect(cookie.line.contains("SameSite=Strict"))
            #expect(cookie.line.contains("Path=/"))
            let again = try await ui.request(.GET, "/login?token=\(ui.token)")
            #expect(again.status == 401, "the token must die after one use")
            #expect(again.setCookie("poc_session") == nil)
            #expect(again.body.contains("Open the link printed by poc ui"))
            let withSession = try await ui.request(.GET, "/unlock", cookies: ["poc_session": cookie.value])
            #expect(withSession.status == 200)
        }
    }

    @Test("a foreign Host gets 421 before anything else, and does not use up the token")
    func foreignHost() async throws {
        try await UIFixture.with { ui in
            for host in ["evil.example:\(ui.port)", "127.0.0.1:\(ui.port + 1)", "127.0.0.1", "localhost.evil.example:\(ui.port)"] {
                let answer = try await ui.request(.GET, "/login?token=\(ui.token)", host: host)
                #expect(answer.status == 421, "Host: \(host)")
                #expect(answer.setCookie("poc_session") == nil)
                #expect(answer.headers.first(name: "Content-Security-Policy") != nil)
            }
            let viaLocalhost = try await ui.request(.GET, "/login?token=\(ui.token)", host: "localhost:\(ui.port)")
            #expect(viaLocalhost.status == 303)
        }
    }

    @Test("no session: 401 and the page that says to open the printed link")
    func noSession() async throws {
        try await UIFixture.with { ui in
            for path in ["/", "/inbox", "/unlock", "/message/00000000000000000000000000000000", "/nowhere"] {
                let answer = try await ui.request(.GET, path)
                #expect(answer.status == 401, "\(path)")
                #expect(answer.body.contains("Open the link printed by poc ui"), "\(path)")
            }
            let forged = try await ui.request(.GET, "/inbox", cookies: ["poc_session": String(repeating: "a", count: 64)])
            #expect(forged.status == 401)
            let post = try await ui.request(.POST, "/lock", form: [("csrf", "x")])
            #expect(post.status == 401)
        }
    }

    @Test("a POST without the session's CSRF token, or from another origin, gets 403")
    func csrf() async throws {
        try await UIFixture.with { ui in
            let cookie = try await ui.login()
            let page = try await ui.request(.GET, "/unlock", cookies: ["poc_session": cookie])
            let token = try UIFixture.csrf(in: page.body)
            #expect(token.count == 64 && token != cookie)
            let session = ["poc_session": cookie]
            let missing = try await ui.request(.POST, "/unlock", cookies: session, form: [("passphrase", UIFixture.passphrase)])
            #expect(missing.status == 403)
            #expect(missing.body.contains("Request refused"))
            let wrong = try await ui.request(
                .POST, "/unlock", cookies: session, form: [("csrf", String(repeating: "0", count: 64)), ("passphrase", UIFixture.passphrase)])
            #expect(wrong.status == 403)
            let foreign = try await ui.request(
                .POST, "/unlock", cookies: session, headers: [("Origin", "http://evil.example")],
                form: [("csrf", token), ("passphrase", UIFixture.passphrase)])
            #expect(foreign.status == 403)
            let crossSite = try await ui.request(
                .POST, "/language", cookies: session, headers: [("Sec-Fetch-Site", "cross-site")], form: [("csrf", token), ("lang", "fr")])
            #expect(crossSite.status == 403)
            #expect(crossSite.setCookie("lang") == nil)
            // An opaque origin (what a sandboxed frame or a data: page sends) is refused unless the
            // browser says the request is same-origin, as Chromium's own forms here do.
            let opaque = try await ui.request(
                .POST, "/language", cookies: session, headers: [("Origin", "null")], form: [("csrf", token), ("lang", "fr")])
            #expect(opaque.status == 403)
            let opaqueCrossSite = try await ui.request(
                .POST, "/language", cookies: session, headers: [("Origin", "null"), ("Sec-Fetch-Site", "cross-site")],
                form: [("csrf", token), ("lang", "fr")])
            #expect(opaqueCrossSite.status == 403)
            let opaqueNoToken = try await ui.request(
                .POST, "/language", cookies: session, headers: [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")], form: [("lang", "fr")])
            #expect(opaqueNoToken.status == 403)
            // Still locked after all of that.
            let inbox = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(inbox.headers.first(name: "Location") == "/unlock")
            let byHeader = try await ui.request(.POST, "/language", cookies: session, headers: [("X-CSRF-Token", token)], form: [("lang", "fr")])
            #expect(byHeader.status == 303)
            #expect(byHeader.setCookie("lang")?.value == "fr")
            let sameOriginForm = try await ui.request(
                .POST, "/language", cookies: session, headers: [("Origin", "null"), ("Sec-Fetch-Site", "same-origin")],
                form: [("csrf", token), ("lang", "ar")])
            #expect(sameOriginForm.status == 303)
            let ok = try await ui.request(
                .POST, "/unlock", cookies: session, headers: [("Origin", "http://127.0.0.1:\(ui.port)")],
                form: [("csrf", token), ("passphrase", UIFixture.passphrase)])
            #expect(ok.status == 303)
        }
    }

    @Test("every answer carries the CSP and the other protective headers; pages are not cached")
    func securityHeaders() async throws {
        try await UIFixture.with { ui in
            let (cookie, _) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            var answers: [(String, UIFixture.Answer)] = []
            for path in ["/inbox", "/unlock", "/message/00000000000000000000000000000000", "/nowhere", "/static/ui.css", "/static/ui.js", "/"] {
                answers.append((path, try await ui.request(.GET, path, cookies: session)))
            }
            answers.append(("no session", try await ui.request(.GET, "/inbox")))
            answers.append(("foreign host", try await ui.request(.GET, "/inbox", host: "evil.example")))
            answers.append(("no csrf", try await ui.request(.POST, "/lock", cookies: session, form: [])))
            for (path, answer) in answers {
                #expect(
                    answer.headers.first(name: "Content-Security-Policy")
                        == "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
                    "\(path)")
                #expect(answer.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(path)")
                #expect(answer.headers.first(name: "Referrer-Policy") == "no-referrer", "\(path)")
                if !path.hasPrefix("/static/") { #expect(answer.headers.first(name: "Cache-Control") == "no-store", "\(path)") }
            }
            let statuses = Dictionary(answers.map { ($0.0, $0.1.status) }, uniquingKeysWith: { a, _ in a })
            #expect(statuses["/inbox"] == 200)
            #expect(statuses["/nowhere"] == 404)
            #expect(statuses["/message/00000000000000000000000000000000"] == 404, "a message neither waiting nor recorded")
            let css = try #require(answers.first { $0.0 == "/static/ui.css" }?.1)
            #expect(css.headers.first(name: "Content-Type") == "text/css; charset=utf-8")
            #expect(css.body.contains("margin-inline-start"))
            let js = try #require(answers.first { $0.0 == "/static/ui.js" }?.1)
            #expect(js.headers.first(name: "Content-Type") == "text/javascript; charset=utf-8")
            let page = try #require(answers.first { $0.0 == "/inbox" }?.1)
            #expect(page.headers.first(name: "Content-Type") == "text/html; charset=utf-8")
            #expect(!page.body.contains("<script>") && !page.body.contains("style="), "no inline script or style")
            #expect(!page.body.contains("http://") && !page.body.contains("https://"), "no resource of another origin")
        }
    }
}

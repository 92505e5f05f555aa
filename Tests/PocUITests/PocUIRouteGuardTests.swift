import Foundation
import NIOHTTP1
import PocKit
import RelayTestSupport
import Testing

@testable import PocUI

/// Every route of the interface, read from the router itself, through every
/// guard: a foreign Host, no session, a POST without its CSRF token, the keys
/// locked, and the security headers on each answer. A route added later is
/// checked by default as a page that needs the session and the keys; only the
/// exceptions below are written down, each with its reason.
@Suite("poc ui: every route behind the guards")
struct PocUIRouteGuardTests {
    /// How a route departs from the default (session, CSRF for a POST, keys).
    struct Exception {
        /// Answers without a session (`/static/`): 200 instead of 401.
        var open = false
        /// Works with the keys locked (login, unlocking, the language): no redirect to /unlock is expected.
        var withoutKeys = false
        /// With the keys locked, the answer to expect instead of the redirect.
        var whenLocked: (@Sendable (UIFixture.Answer) -> Bool)?
        /// Why.
        var reason: String
    }

    static let exceptions: [String: Exception] = [
        "GET /static/{name}": Exception(open: true, withoutKeys: true, reason: "the styles and scripts, the same for everyone"),
        "GET /": Exception(withoutKeys: true, reason: "a redirect to /inbox, which checks the keys"),
        "GET /login": Exception(withoutKeys: true, reason: "the token exchange comes before unlocking"),
        "GET /unlock": Exception(withoutKeys: true, reason: "the passphrase page"),
        "POST /unlock": Exception(withoutKeys: true, reason: "the passphrase form"),
        "POST /lock": Exception(withoutKeys: true, reason: "locking needs no key"),
        "POST /language": Exception(withoutKeys: true, reason: "the picker is on the unlock page too"),
        "GET /events": Exception(
            whenLocked: { $0.status == 200 && $0.body.contains("event: locked") },
            reason: "EventSource cannot follow a redirect: a `locked` event makes the page reload to /unlock"),
    ]

    /// Every `METHOD /path` the server routes, from the router the server builds.
    static func routes() throws -> [(method: HTTPMethod, path: String)] {
        let root = try TemporaryDirectory(prefix: "poc-ui-routes")
        defer { root.remove() }
        let vault = KeyVault(home: PocHome(explicit: root.path, environment: [:]), lockAfter: .seconds(60))
        let state = try UIState(vault: vault, resources: UIResources.load())
        return PocUIServer.routeList(state: state).map { (HTTPMethod(rawValue: $0.method), $0.path) }
    }

    /// A path to request for `template`: each `{parameter}` replaced by a value
    /// its route accepts up to the guards (a well-formed id, index or file name).
    static func concrete(_ template: String, poc: String) -> String {
        template.split(separator: "/", omittingEmptySubsequences: false).map { part -> String in
            guard part.hasPrefix("{"), part.hasSuffix("}") else { return String(part) }
            switch (template.split(separator: "/").first.map(String.init), String(part.dropFirst().dropLast())) {
            case ("directory", "id"): return poc
            case ("ping", "id"): return "ping-0001"
            case (_, "id"): return String(repeating: "0", count: 32)
            case (_, "index"): return "0"
            case (_, "name"): return "ui.css"
            default: return "x"
            }
        }.joined(separator: "/")
    }

    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

    @Test("the table covers the router: every route is found by enumeration, and every exception names a route that exists")
    func tableMatchesRouter() throws {
        let routes = try Self.routes()
        let names = Set(routes.map { "\($0.method.rawValue) \($0.path)" })
        #expect(routes.count >= 30, "\(names.sorted())")
        for required in ["GET /inbox", "GET /message/{id}", "POST /message/{id}/open", "GET /static/{name}", "POST /lock"] {
            #expect(names.contains(required), "\(required) in \(names.sorted())")
        }
        for name in Self.exceptions.keys { #expect(names.contains(name), "the exception \(name) names no route") }
    }

    @Test(
        "every route: foreign Host 421, no session 401 (the login page), POST without CSRF 403, locked keys to /unlock, the security headers on every answer"
    )
    func everyRouteGuarded() async throws {
        let routes = try Self.routes()
        var fra = ""
        try await UIFixture.with(prepare: { _, fraID, _ in fra = fraID }) { ui in
            let cookie = try await ui.login()
            let session = ["poc_session": cookie]
            let page = try await ui.request(.GET, "/unlock", cookies: session)
            let csrf = try UIFixture.csrf(in: page.body)
            var answers: [(String, UIFixture.Answer)] = []
            for route in routes {
                let name = "\(route.method.rawValue) \(route.path)"
                let path = Self.concrete(route.path, poc: fra)
                let exception = Self.exceptions[name]
                let post = route.method == .POST
                let form: [(String, String)]? = post ? [] : nil

                for host in ["evil.example:\(ui.port)", "127.0.0.1:\(ui.port + 1)", "localhost"] {
                    let foreign = try await ui.request(route.method, path, cookies: session, form: form, host: host)
                    #expect(foreign.status == 421, "\(name) with Host \(host): \(foreign.status)")
                    answers.append(("\(name) foreign host", foreign))
                }

                let anonymous = try await ui.request(route.method, path, form: form)
                if exception?.open == true {
                    #expect(anonymous.status == 200, "\(name) is open: \(anonymous.status)")
                } else {
                    #expect(anonymous.status == 401, "\(name) without a session: \(anonymous.status)")
                    #expect(anonymous.body.contains("Open the link printed by poc ui"), "\(name): the login page")
                }
                answers.append(("\(name) no session", anonymous))

                if post {
                    let noToken = try await ui.request(route.method, path, cookies: session, form: [("lang", "fr")])
                    #expect(noToken.status == 403, "\(name) without the CSRF token: \(noToken.status)")
                    #expect(noToken.body.contains("Request refused"), "\(name)")
                    answers.append(("\(name) no csrf", noToken))
                    let wrong = try await ui.request(route.method, path, cookies: session, form: [("csrf", String(repeating: "0", count: 64))])
                    #expect(wrong.status == 403, "\(name) with a wrong CSRF token: \(wrong.status)")
                }

                guard exception?.withoutKeys != true else { continue }
                let locked = try await ui.request(route.method, path, cookies: session, form: post ? [("csrf", csrf)] : nil)
                if let expected = exception?.whenLocked {
                    #expect(expected(locked), "\(name) with the keys locked: \(locked.status) \(locked.body.prefix(200))")
                } else {
                    #expect(locked.status == 303, "\(name) with the keys locked: \(locked.status) \(locked.body.prefix(300))")
                    #expect(locked.headers.first(name: "Location") == "/unlock", "\(name) with the keys locked goes to /unlock")
                }
                answers.append(("\(name) locked", locked))
            }
            #expect(answers.count > routes.count * 4)
            for (what, answer) in answers {
                #expect(answer.headers.first(name: "Content-Security-Policy") == Self.contentSecurityPolicy, "\(what)")
                #expect(answer.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(what)")
                #expect(answer.headers.first(name: "Referrer-Policy") == "no-referrer", "\(what)")
                #expect(answer.headers.first(name: "Cross-Origin-Opener-Policy") == "same-origin", "\(what)")
                #expect(answer.headers.first(name: "Cross-Origin-Resource-Policy") == "same-origin", "\(what)")
                #expect(answer.headers.first(name: "Cache-Control") != nil, "\(what)")
                if !what.hasPrefix("GET /static/") { #expect(answer.headers.first(name: "Cache-Control") == "no-store", "\(what)") }
            }
            // Nothing above unlocked the keys or used the session up.
            let inbox = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(inbox.headers.first(name: "Location") == "/unlock")
        }
    }
}

import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PocKit
import PocUI
import RelayProtocol
import RelayServer
import RelayTestSupport
import Testing

@Suite("poc ui: compose, against a live relay")
struct PocUIComposeTests {
    /// `poc inbox --format json` of `home`, as objects.
    static func inbox(_ root: TemporaryDirectory, _ home: String) async throws -> [[String: Any]] {
        let out = await UIFixture.poc(root, home, ["inbox", "--format", "json"])
        return try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
    }

    /// The message id in a `/compose/sent/ID` location.
    static func sentID(_ answer: UIFixture.Answer) -> String {
        String((answer.headers.first(name: "Location") ?? "").dropFirst("/compose/sent/".count))
    }

    /// The compose form's fields for a message to `to`, with `extra` replacing or adding fields.
    static func form(_ csrf: String, _ fields: [(String, String)]) -> [(String, String)] {
        [("csrf", csrf), ("action", "send")] + fields
    }

    @Test("GET /compose: the form, no session (401), locked keys (to /unlock); POST without the CSRF token (403) sends nothing")
    func guards() async throws {
        var fra = ""
        try await UIFixture.with(prepare: { _, fraID, _ in fra = fraID }) { ui in
            #expect(try await ui.request(.GET, "/compose").status == 401)
            #expect(try await ui.request(.POST, "/compose/send", form: [("to", "FRA-TEC-1")]).status == 401)
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let page = try await ui.request(.GET, "/compose", cookies: session)
            #expect(page.status == 200)
            for field in [
                #"name="type" value="rfi""#, #"name="to""#, #"name="state""#, #"name="role""#, #"name="q""#, #"name="urgency""#,
                #"name="tlp""#, #"name="share""#, #"name="exercise""#, #"name="subject""#, #"name="body""#,
                #"name="rfi_information_requested""#, #"name="rfi_lead_agency""#,
            ] {
                #expect(page.body.contains(field), "\(field)")
            }
            #expect(page.body.contains(#"<option value="routine" selected>ROUTINE</option>"#), "routine by default")
            #expect(page.body.contains(#"<option value="" selected>None</option>"#), "no TLP by default")
            #expect(!page.body.contains(#"name="share" value="1" aria-describedby="share-hint" checked"#), "no consent by default")
            #expect(page.body.contains(#"<label for="compose-to">"#))
            let noToken = try await ui.request(
                .POST, "/compose/send", cookies: session, form: [("to", fra), ("subject", "x"), ("body", "y"), ("action", "send")])
            #expect(noToken.status == 403)
            #expect(try await Self.inbox(ui.root, "fra").isEmpty, "nothing sent without the token")
            let locked = try await ui.request(.POST, "/lock", cookies: session, form: [("csrf", csrf)])
            #expect(locked.status == 303)
            let closed = try await ui.request(.GET, "/compose", cookies: session)
            #expect(closed.status == 303)
            #expect(closed.headers.first(name: "Location") == "/unlock")
            let closedSend = try await ui.request(.POST, "/compose/send", cookies: session, form: Self.form(csrf, [("to", fra), ("body", "y")]))
            #expect(closedSend.headers.first(name: "Location") == "/unlock")
            #expect(try await Self.inbox(ui.root, "fra").isEmpty)
        }
    }

    @Test("a message and a FLASH RFI with TLP:AMBER go through PocKit; the sent page shows id, recipients and the acceptance time")
    func sendMessageAndRFI() async throws {
        var fra = ""
        try await UIFixture.with(prepare: { _, fraID, _ in fra = fraID }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let sent = try await ui.request(
                .POST, "/compose/send", cookies: session,
                form: Self.form(
                    csrf,
                    [
                        ("type", "notice"), ("to", fra), ("urgency", "priority"), ("tlp", "GREEN"), ("share", "1"), ("subject", "Maintenance"),
                        ("body", "Line one\r\nLine two"),
                    ]))
            #expect(sent.status == 303, "\(sent.body)")
            let id = Self.sentID(sent)
            #expect((try? MessageID(id)) != nil, "\(sent.headers)")
            let done = try await ui.request(.GET, "/compose/sent/\(id)", cookies: session)
            #expect(done.status == 200)
            #expect(done.body.contains("The relay accepted the message"))
            #expect(done.body.contains(#"<code dir="ltr" id="sent-id">\#(id)</code>"#))
            #expect(done.body.contains(fra))
            #expect(done.body.contains("Accepted by the relay (UTC)"))
            #expect(done.body.contains(#"<time datetime=""#))
            let notice = try #require(try await Self.inbox(ui.root, "fra").first { $0["id"] as? String == id })
            #expect(notice["type"] as? String == "notice")
            #expect(notice["urgency"] as? String == "priority")
            let read = await UIFixture.poc(ui.root, "fra", ["read", id])
            #expect(read.contains("Line one\nLine two"), "CRLF from the browser arrives as LF: \(read)")
            #expect(read.contains("GREEN"))

            let rfi = try await ui.request(
                .POST, "/compose/send", cookies: session,
                form: Self.form(
                    csrf,
                    [
                        ("type", "rfi"), ("to", fra), ("urgency", "flash"), ("tlp", "AMBER"), ("subject", ""), ("exercise", "1"),
                        ("rfi_incident_nature", "scanning"), ("rfi_information_requested", "Is 192.0.2.0/24 known to you?"),
                        ("rfi_lead_agency", "BSI"), ("body", "ignored for an RFI"),
                    ]))
            #expect(rfi.status == 303, "\(rfi.body)")
            let rfiID = Self.sentID(rfi)
            let listed = try #require(try await Self.inbox(ui.root, "fra").first { $0["id"] as? String == rfiID })
            #expect(listed["type"] as? String == "rfi")
            #expect(listed["urgency"] as? String == "flash")
            #expect(listed["subject"] as? String == "Request for information: scanning", "poc rfi's default subject")
            #expect(listed["exercise"] as? Bool == true)
            let text = await UIFixture.poc(ui.root, "fra", ["read", rfiID])
            #expect(text.contains("Information requested: Is 192.0.2.0/24 known to you?"), "the body rendered from the fields: \(text)")
            #expect(text.contains("Requester name: \n") || text.contains("Requester name:"), "every field, empty ones too")
            #expect(!text.contains("ignored for an RFI"))
            #expect(text.contains("AMBER"))
        }
    }

    @Test(
        "errors re-show the form (422) in the user's language with everything typed: no recipient, both, a bad id, an unknown id, a refused route, an empty text"
    )
    func errorsKeepTheForm() async throws {
        var fra = ""
        try await UIFixture.with(prepare: { _, fraID, _ in fra = fraID }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let french = ["poc_session": cookie, "lang": "fr"]
            let diplomat = try await UIFixture.enrol(ui.root, ui.relay, "fradip", state: "FRA", role: .diplomatic)
            let typed: [(String, String)] = [
                ("subject", "Sujet « gardé »"), ("body", "Texte\r\nsur deux lignes"), ("urgency", "immediate"), ("tlp", "RED"), ("exercise", "1"),
                ("rfi_contact", "+33 1 23 45 67 89"),
            ]
            let cases: [(fields: [(String, String)], message: String)] = [
                ([], "indiquez les destinataires"),
                ([("to", fra), ("state", "FRA")], "pas les deux"),
                ([("to", "not an id")], "not an id n&#39;est pas un identifiant de point de contact"),
                ([("to", "USA-TEC-9Z9Z")], "Non envoyé : USA-TEC-9Z9Z is not an active POC in the directory"),
                ([("to", diplomat)], "routing rule"),
                ([("state", "FR")], "FR n&#39;est pas un code d&#39;État"),
                ([("to", fra), ("body", " \r\n ")], "le texte est vide"),
            ]
            for (fields, message) in cases {
                var form = typed
                for (name, value) in fields {
                    form.removeAll { $0.0 == name }
                    form.append((name, value))
                }
                let answer = try await ui.request(.POST, "/compose/send", cookies: french, form: Self.form(csrf, form))
                #expect(answer.status == 422, "\(fields): \(answer.status)")
                #expect(answer.body.contains(#"<html lang="fr""#))
                #expect(answer.body.contains(#"role="alert""#) && answer.body.contains(message), "\(fields): \(message)")
                #expect(answer.body.contains(#"value="Sujet « gardé »""#), "the subject kept")
                if !fields.contains(where: { $0.0 == "body" }) {
                    #expect(answer.body.contains(">Texte\nsur deux lignes</textarea>"), "the text kept")
                }
                #expect(answer.body.contains(#"<option value="immediate" selected>"#), "the urgency kept")
                #expect(answer.body.contains(#"<option value="RED" selected>"#), "the TLP kept")
                #expect(answer.body.contains(#"name="exercise" value="1" checked"#), "exercise kept")
                #expect(answer.body.contains(#"value="+33 1 23 45 67 89""#), "the RFI fields kept")
            }
            #expect(try await Self.inbox(ui.root, "fra").isEmpty, "nothing sent")
            #expect(try await Self.inbox(ui.root, "fradip").isEmpty, "nothing sent")
        }
    }

    @Test("a message for two states shows the confirmation (count, every field hidden), Back keeps everything, Send sends; nothing before")
    func broadcastNeedsConfirmation() async throws {
        var fra = ""
        try await UIFixture.with(prepare: { _, fraID, _ in fra = fraID }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let usa = try await UIFixture.enrol(ui.root, ui.relay, "usa", state: "USA", role: .technical)
            let fields: [(String, String)] = [
                ("role", "technical"), ("subject", #"Scanning "wave" <2>"#), ("body", "From 192.0.2.0/24.\r\nSecond line"), ("urgency", "flash"),
                ("tlp", "AMBER+STRICT"), ("share", "1"),
            ]
            let confirm = try await ui.request(.POST, "/compose/send", cookies: session, form: Self.form(csrf, fields))
            #expect(confirm.status == 200, "\(confirm.body)")
            #expect(confirm.body.contains("Confirm the recipients"))
            #expect(confirm.body.contains("Points of contact: 2. States: 2."))
            #expect(confirm.body.contains(fra) && confirm.body.contains(usa))
            #expect(confirm.body.contains("Send to all 2"))
            #expect(confirm.body.contains(#"<input type="hidden" name="subject" value="Scanning &quot;wave&quot; &lt;2&gt;">"#))
            #expect(
                confirm.body.contains(#"<input type="hidden" name="body" value="From 192.0.2.0/24.&#10;Second line">"#)
                    || confirm.body.contains("<input type=\"hidden\" name=\"body\" value=\"From 192.0.2.0/24.\nSecond line\">"))
            #expect(confirm.body.contains(#"<input type="hidden" name="tlp" value="AMBER+STRICT">"#))
            #expect(confirm.body.contains(#"<input type="hidden" name="share" value="1">"#))
            #expect(try await Self.inbox(ui.root, "fra").isEmpty, "nothing sent before the confirmation")
            #expect(try await Self.inbox(ui.root, "usa").isEmpty)

            let confirmed = [fra, usa].sorted().joined(separator: ",")
            let back = try await ui.request(
                .POST, "/compose/send", cookies: session,
                form: [("csrf", csrf), ("action", "back"), ("confirmed", confirmed)] + fields)
            #expect(back.status == 200)
            #expect(back.body.contains(#"id="compose-form""#))
            #expect(back.body.contains(#"value="Scanning &quot;wave&quot; &lt;2&gt;""#))
            #expect(back.body.contains(">From 192.0.2.0/24.\nSecond line</textarea>"))
            #expect(back.body.contains(#"<option value="technical" selected>"#))
            #expect(try await Self.inbox(ui.root, "fra").isEmpty, "Back sends nothing")

            let stale = try await ui.request(
                .POST, "/compose/send", cookies: session, form: Self.form(csrf, fields + [("confirmed", fra)]))
            #expect(stale.status == 200)
            #expect(stale.body.contains("Confirm the recipients"), "confirmed for other recipients: asked again")
            #expect(try await Self.inbox(ui.root, "fra").isEmpty)

            let sent = try await ui.request(.POST, "/compose/send", cookies: session, form: Self.form(csrf, fields + [("confirmed", confirmed)]))
            #expect(sent.status == 303, "\(sent.body)")
            let id = Self.sentID(sent)
            for home in ["fra", "usa"] {
                let listed = try await Self.inbox(ui.root, home)
                #expect(listed.contains { $0["id"] as? String == id && $0["urgency"] as? String == "flash" }, "\(home): \(listed)")
            }
            let done = try await ui.request(.GET, "/compose/sent/\(id)", cookies: session)
            #expect(done.body.contains("Points of contact: 2. States: 2."))
        }
    }

    @Test("the directory search (GET ?q= and the Search button) lists matches; ticked ones join the recipients")
    func search() async throws {
        var fra = ""
        try await UIFixture.with(prepare: { _, fraID, _ in fra = fraID }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let usa = try await UIFixture.enrol(ui.root, ui.relay, "usa", state: "USA", role: .technical)
            let byState = try await ui.request(.GET, "/compose?q=usa", cookies: session)
            #expect(byState.status == 200)
            #expect(byState.body.contains(#"<input type="checkbox" name="pick0" value="\#(usa)" id="pick0">"#))
            #expect(!byState.body.contains(#"value="\#(fra)" id="pick"#))
            let byEntity = try await ui.request(.GET, "/compose?q=fra+cert", cookies: session)
            #expect(byEntity.body.contains(#"value="\#(fra)" id="pick0""#))
            let none = try await ui.request(.GET, "/compose?q=nowhere", cookies: session)
            #expect(none.body.contains("No active point of contact of the verified directory matches."))
            let french = try await ui.request(.GET, "/compose?q=technique", cookies: ["poc_session": cookie, "lang": "fr"])
            #expect(french.body.contains(usa) && french.body.contains(fra), "the role in the interface's language")

            let picked = try await ui.request(
                .POST, "/compose/send", cookies: session,
                form: [("csrf", csrf), ("action", "search"), ("q", "usa"), ("to", fra), ("pick0", usa), ("subject", "kept")])
            #expect(picked.status == 200)
            #expect(picked.body.contains(#"value="\#(fra), \#(usa)""#), "the pick joins the ids")
            #expect(picked.body.contains(#"value="kept""#))
            #expect(picked.body.contains(#"<span class="added">Added</span>"#))
        }
    }

    @Test("GET /compose?reply=ID prefills a reply to a received message: its sender, Re:, its urgency and TLP, in_reply_to")
    func reply() async throws {
        var original = ""
        var fra = ""
        try await UIFixture.with(prepare: { root, fraID, deuID in
            fra = fraID
            let line = await UIFixture.poc(
                root, "fra",
                ["send", "--to", deuID, "--urgency", "immediate", "--tlp", "amber", "--subject", "Outage", "--body", "Down since 09:00."])
            original = PocUIMessageTests.sentID(line)
        }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let notYet = try await ui.request(.GET, "/compose?reply=\(original)", cookies: session)
            #expect(notYet.status == 404, "not opened: not in the record")
            #expect(notYet.body.contains("This message cannot be replied to:"))
            #expect(try await ui.request(.GET, "/compose?reply=nonsense", cookies: session).status == 404)
            let opened = try await ui.request(.POST, "/message/\(original)/open", cookies: session, form: [("csrf", csrf)])
            #expect(opened.status == 303)
            let page = try await ui.request(.GET, "/compose?reply=\(original)", cookies: session)
            #expect(page.status == 200)
            #expect(page.body.contains(#"name="to" type="text" dir="ltr" value="\#(fra)""#))
            #expect(page.body.contains(#"value="Re: Outage""#))
            #expect(page.body.contains(#"<option value="immediate" selected>"#))
            #expect(page.body.contains(#"<option value="AMBER" selected>"#))
            #expect(page.body.contains(#"<input type="hidden" name="in_reply_to" value="\#(original)">"#))
            let sent = try await ui.request(
                .POST, "/compose/send", cookies: session,
                form: Self.form(
                    csrf,
                    [
                        ("to", fra), ("subject", "Re: Outage"), ("urgency", "immediate"), ("tlp", "AMBER"), ("in_reply_to", original),
                        ("body", "Seen."),
                    ]
                ))
            #expect(sent.status == 303, "\(sent.body)")
            let read = await UIFixture.poc(ui.root, "fra", ["read", Self.sentID(sent)])
            #expect(read.contains("Reply to: \(original)"), "\(read)")
        }
    }

    @Test(
        "attachments: a multipart form sends the files (PocKit's media types); too large is PocKit's size rule (422, the file kept); a broadcast carries them through the confirmation"
    )
    func attachments() async throws {
        var fra = ""
        try await UIFixture.with(prepare: { _, fraID, _ in fra = fraID }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let log = Data("09:12 UTC scan from 192.0.2.7\n".utf8)
            let noToken = try await ui.multipart(
                "/compose/send", cookies: session, fields: [("to", fra), ("body", "x"), ("action", "send")], files: [("scan.log", log)])
            #expect(noToken.status == 403, "the CSRF token is checked in a multipart form too")
            let sent = try await ui.multipart(
                "/compose/send", cookies: session,
                fields: [("csrf", csrf), ("action", "send"), ("to", fra), ("subject", "Logs"), ("body", "Attached.\r\nTwo files.")],
                files: [("scan.log", log), ("notes.txt", Data("notes".utf8))])
            #expect(sent.status == 303, "\(sent.body)")
            let read = await UIFixture.poc(ui.root, "fra", ["read", Self.sentID(sent)])
            #expect(read.contains("Attachment: scan.log (application/octet-stream, \(log.count) bytes)"), "\(read)")
            #expect(read.contains("Attachment: notes.txt (text/plain, 5 bytes)"))
            #expect(read.contains("Attached.\nTwo files."))

            let big = Data(repeating: 0x41, count: 1_100_000)
            let tooLarge = try await ui.multipart(
                "/compose/send", cookies: ["poc_session": cookie, "lang": "es"],
                fields: [("csrf", csrf), ("action", "send"), ("to", fra), ("subject", "Volcado"), ("body", "Adjunto.")], files: [("dump.bin", big)])
            #expect(tooLarge.status == 422)
            #expect(tooLarge.body.contains("No enviado:") && tooLarge.body.contains("at most"), "PocKit's size rule")
            #expect(tooLarge.body.contains(#"<input type="hidden" name="kept_name_0" value="dump.bin">"#), "the file kept")
            #expect(tooLarge.body.contains(#"value="Volcado""#))
            let removed = try await ui.multipart(
                "/compose/send", cookies: session,
                fields: [
                    ("csrf", csrf), ("action", "send"), ("to", fra), ("subject", "Volcado"), ("body", "Adjunto."), ("kept_name_0", "dump.bin"),
                    ("kept_data_0", big.base64EncodedString()), ("kept_remove_0", "1"),
                ], files: [])
            #expect(removed.status == 303, "the file ticked for removal is left out: \(removed.status)")

            let usa = try await UIFixture.enrol(ui.root, ui.relay, "usa", state: "USA", role: .technical)
            let confirm = try await ui.multipart(
                "/compose/send", cookies: session,
                fields: [("csrf", csrf), ("action", "send"), ("to", "\(fra), \(usa)"), ("subject", "Both"), ("body", "See the file.")],
                files: [("ioc.csv", Data("ip\n192.0.2.7\n".utf8))])
            #expect(confirm.status == 200)
            #expect(confirm.body.contains("Confirm the recipients"))
            #expect(confirm.body.contains("ioc.csv"))
            let encoded = Data("ip\n192.0.2.7\n".utf8).base64EncodedString()
            #expect(confirm.body.contains(#"<input type="hidden" name="kept_data_0" value="\#(encoded)">"#))
            let go = try await ui.request(
                .POST, "/compose/send", cookies: session,
                form: Self.form(
                    csrf,
                    [
                        ("to", "\(fra), \(usa)"), ("subject", "Both"), ("body", "See the file."), ("kept_name_0", "ioc.csv"),
                        ("kept_data_0", encoded),
                        ("confirmed", [fra, usa].sorted().joined(separator: ",")),
                    ]))
            #expect(go.status == 303, "\(go.body)")
            let usaRead = await UIFixture.poc(ui.root, "usa", ["read", Self.sentID(go)])
            #expect(usaRead.contains("Attachment: ioc.csv (text/csv, 13 bytes)"), "\(usaRead)")
        }
    }

    @Test("relay unreachable: sealed to the pinned key and queued, the page says so, the outbox lists it; Send now sends it once the relay is back")
    func outbox() async throws {
        let data = try TemporaryDirectory(prefix: "compose-relay")
        defer { data.remove() }
        let root = try TemporaryDirectory(prefix: "poc-ui-compose")
        defer { root.remove() }
        _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(UIFixture.passphrase.utf8))
        var fra = ""
        let stopped = try await LiveRelay.with(dataDirectory: data.path) { relay in
            fra = try await UIFixture.enrol(root, relay, "fra", state: "FRA", role: .technical)
            _ = try await UIFixture.enrol(root, relay, "deu", state: "DEU", role: .technical)
            await UIFixture.poc(root, "deu", ["directory"])  // pins FRA's keys
            return relay
        }
        let port = try #require(stopped.baseURL.port)
        let quiet = {
            var logger = Logger(label: "poc-ui-compose-test")
            logger.logLevel = .critical
            return logger
        }()
        let configuration = PocUIConfiguration(home: PocHome(explicit: root.file("deu"), environment: [:]))
        let (urls, continuation) = AsyncStream.makeStream(of: URL.self)
        let server = Task {
            defer { continuation.finish() }
            try await PocUIServer(configuration: configuration, logger: quiet).run(gracefulShutdownSignals: []) { continuation.yield($0) }
        }
        defer { server.cancel() }
        var iterator = urls.makeAsyncIterator()
        let url = try #require(await iterator.next(), "poc ui did not start")
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let ui = UIFixture(root: root, relay: stopped, url: url, http: http)
        do {
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let sent = try await ui.request(
                .POST, "/compose/send", cookies: session,
                form: Self.form(csrf, [("to", fra), ("urgency", "immediate"), ("subject", "While offline"), ("body", "Queued.")]))
            #expect(sent.status == 303, "\(sent.body)")
            let id = Self.sentID(sent)
            let done = try await ui.request(.GET, "/compose/sent/\(id)", cookies: session)
            #expect(done.body.contains("Waiting in the outbox"))
            #expect(done.body.contains("the message is sealed and waits in the outbox"))
            #expect(done.body.contains(#"action="/compose/outbox/send""#))
            let page = try await ui.request(.GET, "/compose", cookies: session)
            #expect(page.status == 200)
            #expect(page.body.contains("The verified directory could not be loaded"))
            #expect(page.body.contains(#"<code dir="ltr" class="outbox-id">\#(id)</code>"#), "the outbox lists it")
            #expect(page.body.contains("While offline"))
            let noToken = try await ui.request(.POST, "/compose/outbox/send", cookies: session, form: [])
            #expect(noToken.status == 403)
            let still = try await ui.request(.POST, "/compose/outbox/send", cookies: session, form: [("csrf", csrf)])
            #expect(still.headers.first(name: "Location") == "/compose?outbox_sent=0&outbox_waiting=1")
            let stillPage = try await ui.request(.GET, "/compose?outbox_sent=0&outbox_waiting=1", cookies: ["poc_session": cookie, "lang": "ru"])
            #expect(stillPage.body.contains("Исходящие: отправлено 0, ещё ожидают 1."))

            try await LiveRelay.with(dataDirectory: data.path, configure: { $0.port = port }) { _ in
                let now = try await ui.request(.POST, "/compose/outbox/send", cookies: session, form: [("csrf", csrf)])
                #expect(now.headers.first(name: "Location") == "/compose?outbox_sent=1&outbox_waiting=0")
                let after = try await ui.request(.GET, "/compose", cookies: session)
                #expect(!after.body.contains("outbox-id"), "the outbox is empty")
                let accepted = try await ui.request(.GET, "/compose/sent/\(id)", cookies: session)
                #expect(accepted.body.contains("The relay accepted the message"))
                let listed = try await Self.inbox(root, "fra")
                #expect(listed.filter { $0["id"] as? String == id }.count == 1, "sent once, with its id: \(listed)")
            }
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    @Test("the rules moved into PocKit: the RFI body and its default subject, a reply's subject, the attachment media types")
    func pocKitRules() throws {
        var fields = RFIFields()
        fields.incidentNature = "scanning"
        fields.informationRequested = "Is 192.0.2.0/24 known to you?"
        let body = RFIForm.render(fields)
        #expect(body.hasPrefix("Requester name: \nRequester affiliation: \nNature of the incident: scanning\n"))
        #expect(RFIForm.parse("# comment\n" + body) == fields, "what --edit reads back")
        #expect(RFIForm.defaultSubject(fields) == "Request for information: scanning")
        #expect(RFIForm.defaultSubject(RFIFields()) == "Request for information")
        let me = try POCID("DEU-TEC-1")
        let message = try RFIForm.message(from: me, to: [try POCID("FRA-TEC-1")], urgency: .flash, subject: "  ", fields: fields)
        #expect(message.subject == "Request for information: scanning", "a blank subject is the default")
        #expect(message.type == .rfi && message.body == body)
        #expect(try message.templateFields(RFIFields.self) == fields)
        #expect(ReplyDefaults.subject(replyingTo: "Outage") == "Re: Outage")
        #expect(ReplyDefaults.subject(replyingTo: "Re: RE: Outage") == "Re: Outage")
        #expect(AttachmentMediaType.of(fileName: "IOC.CSV") == "text/csv")
        #expect(AttachmentMediaType.of(fileName: "scan.log") == "application/octet-stream")
    }

    @Test(
        "GET /compose prefills from ?to= and ?type=; /compose/sent/ID is 404 for an unknown or malformed id; the outbox POST with closed keys goes to /unlock"
    )
    func prefillAndUnknown() async throws {
        var fra = ""
        try await UIFixture.with(prepare: { _, fraID, _ in fra = fraID }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let page = try await ui.request(.GET, "/compose?to=\(fra)&type=rfi", cookies: session)
            #expect(page.status == 200)
            #expect(page.body.contains(#"name="to" type="text" dir="ltr" value="\#(fra)""#))
            #expect(page.body.contains(#"value="rfi" id="type-rfi" checked"#))
            let unknown = try await ui.request(.GET, "/compose/sent/\(String(repeating: "a", count: 32))", cookies: session)
            #expect(unknown.status == 404)
            #expect(unknown.body.contains("No message sent by this point of contact has this id."))
            #expect(try await ui.request(.GET, "/compose/sent/nonsense", cookies: session).status == 404)
            _ = try await ui.request(.POST, "/lock", cookies: session, form: [("csrf", csrf)])
            let locked = try await ui.request(.POST, "/compose/outbox/send", cookies: session, form: [("csrf", csrf)])
            #expect(locked.headers.first(name: "Location") == "/unlock")
        }
    }

    @Test(
        "a form sent twice (a double click, Back and Send again) sends one message: its id is chosen with the form, and the second POST gets the first one's page"
    )
    func sentTwice() async throws {
        var fra = ""
        var received = ""
        try await UIFixture.with(prepare: { root, fraID, deuID in
            fra = fraID
            received = PocUIMessageTests.sentID(await UIFixture.poc(root, "fra", ["send", "--to", deuID, "--subject", "Hello", "--body", "x"]))
        }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let page = try await ui.request(.GET, "/compose", cookies: session)
            let marker = #"name="message_id" value=""#
            let start = try #require(page.body.range(of: marker)).upperBound
            let id = String(page.body[start...].prefix { $0 != "\"" })
            #expect((try? MessageID(id)) != nil)
            let fields = Self.form(csrf, [("message_id", id), ("to", fra), ("subject", "Once"), ("body", "Only once.")])
            let first = try await ui.request(.POST, "/compose/send", cookies: session, form: fields)
            #expect(first.headers.first(name: "Location") == "/compose/sent/\(id)")
            let second = try await ui.request(.POST, "/compose/send", cookies: session, form: fields)
            #expect(second.headers.first(name: "Location") == "/compose/sent/\(id)")
            #expect(try await Self.inbox(ui.root, "fra").filter { $0["subject"] as? String == "Once" }.count == 1, "sent once")

            _ = try await ui.request(.POST, "/message/\(received)/open", cookies: session, form: [("csrf", csrf)])
            let reused = try await ui.request(
                .POST, "/compose/send", cookies: session,
                form: Self.form(csrf, [("message_id", received), ("to", fra), ("subject", "Other"), ("body", "New id.")]))
            #expect(reused.status == 303)
            #expect(reused.headers.first(name: "Location") != "/compose/sent/\(received)", "a received message's id is never reused")
            let opened = try await ui.request(.GET, "/message/\(received)", cookies: session)
            #expect(opened.body.contains("Hello"), "the received message is still in the record")
        }
    }
}

extension UIFixture {
    /// A `multipart/form-data` POST, as a browser sends a form with file inputs (files under `attachment`).
    func multipart(
        _ path: String, cookies: [String: String], fields: [(String, String)], files: [(name: String, data: Data)]
    ) async throws -> Answer {
        let boundary = "----PocUIComposeTest\(UInt64.random(in: 0...UInt64.max))"
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        for file in files {
            body.append(
                Data(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                        .utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await http.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: bytes))
    }
}

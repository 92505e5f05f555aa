import Foundation
import NIOHTTP1
import PocUI
import RelayProtocol
import RelayTestSupport
import Testing

@Suite("poc ui: the message page, against a live relay")
struct PocUIMessageTests {
    /// The id in `poc send`'s or `poc rfi`'s line `sent URGENCY TYPE ID to ...`.
    static func sentID(_ line: String) -> String {
        line.split(separator: " ").dropFirst(3).first.map(String.init) ?? ""
    }

    /// `poc status ID` in `fra`'s home: the row of `deu`.
    static func receiptRow(_ root: TemporaryDirectory, _ id: String, _ deu: String) async -> String {
        let out = await UIFixture.poc(root, "fra", ["status", id])
        return out.split(separator: "\n").first { $0.hasPrefix(deu) }.map(String.init) ?? ""
    }

    @Test("a FLASH RFI: the page waits for Open (a GET sends no receipt), Open needs the CSRF token and sends it; then acknowledged with an ETA")
    func openAndAcknowledge() async throws {
        var id = ""
        var deu = ""
        try await UIFixture.with(prepare: { root, _, deuID in
            deu = deuID
            let line = await UIFixture.poc(
                root, "fra",
                [
                    "rfi", "--to", deuID, "--urgency", "flash", "--tlp", "amber", "--subject", "Scanning <from> 192.0.2.0/24",
                    "--incident-nature", "scanning", "--information-requested", "Is 192.0.2.0/24 known to you?", "--lead-agency", "CERT-FR",
                ])
            id = Self.sentID(line)
        }) { ui in
            #expect((try? MessageID(id)) != nil, "\(id)")
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]

            let waiting = try await ui.request(.GET, "/message/\(id)", cookies: session)
            #expect(waiting.status == 200)
            #expect(waiting.body.contains(#"<span class="urgency urgency-flash">FLASH</span>"#))
            #expect(waiting.body.contains("TLP:AMBER"))
            #expect(waiting.body.contains("Scanning &lt;from&gt; 192.0.2.0/24"))
            #expect(waiting.body.contains("key pinned on first use"))
            #expect(waiting.body.contains(#"action="/message/\#(id)/open""#))
            #expect(!waiting.body.contains("Is 192.0.2.0/24 known to you?"), "no body before Open")
            _ = try await ui.request(.GET, "/message/\(id)", cookies: session)
            #expect(!(await Self.receiptRow(ui.root, id, deu)).contains("verified"), "a GET sends no receipt")

            let noToken = try await ui.request(.POST, "/message/\(id)/open", cookies: session, form: [])
            #expect(noToken.status == 403)
            let badToken = try await ui.request(.POST, "/message/\(id)/open", cookies: session, form: [("csrf", String(repeating: "0", count: 64))])
            #expect(badToken.status == 403)
            #expect(!(await Self.receiptRow(ui.root, id, deu)).contains("verified"), "a refused POST sends no receipt")

            let opened = try await ui.request(.POST, "/message/\(id)/open", cookies: session, form: [("csrf", csrf)])
            #expect(opened.status == 303, "\(opened.body)")
            #expect(opened.headers.first(name: "Location") == "/message/\(id)?done=opened")
            let page = try await ui.request(.GET, "/message/\(id)?done=opened", cookies: session)
            #expect(page.status == 200)
            #expect(page.body.contains("the signed receipt was sent to the sender"))
            #expect(page.body.contains("Is 192.0.2.0/24 known to you?"))
            #expect(page.body.contains(#"<dt>Information requested</dt><dd><bdi>Is 192.0.2.0/24 known to you?</bdi></dd>"#))
            #expect(page.body.contains(#"<dt>Lead agency</dt><dd><bdi>CERT-FR</bdi></dd>"#))
            #expect(page.body.contains("key pinned on first use"))
            #expect(page.body.contains(#"action="/message/\#(id)/respond""#))
            #expect(await Self.receiptRow(ui.root, id, deu).contains("verified"), "the sender sees the verified receipt")

            let path = "/message/\(id)/respond"
            let refused = try await ui.request(.POST, path, cookies: session, form: [("mode", "acknowledge"), ("eta", "24h")])
            #expect(refused.status == 403)
            let badETA = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("mode", "acknowledge"), ("eta", "1y")])
            #expect(badETA.status == 422)
            #expect(badETA.body.contains("choose an estimated response time from the list"))
            let empty = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("mode", "answer"), ("answer", "  ")])
            #expect(empty.status == 422)
            let inboxBefore = await UIFixture.poc(ui.root, "fra", ["inbox", "--format", "json"])
            #expect(!inboxBefore.contains("rfi-response"), "nothing sent by refused forms")

            let acknowledged = try await ui.request(
                .POST, path, cookies: session, form: [("csrf", csrf), ("mode", "acknowledge"), ("eta", "24h"), ("lead_agency", "BSI")])
            #expect(acknowledged.status == 303, "\(acknowledged.body)")
            #expect(acknowledged.headers.first(name: "Location") == "/message/\(id)?done=responded")
            let done = try await ui.request(.GET, "/message/\(id)?done=responded", cookies: session)
            #expect(done.body.contains("Response sent."))

            let inbox = await UIFixture.poc(ui.root, "fra", ["inbox", "--format", "json"])
            let lines = try JSONSerialization.jsonObject(with: Data(inbox.utf8)) as? [[String: Any]] ?? []
            let response = try #require(lines.first { $0["type"] as? String == "rfi-response" }, "\(inbox)")
            #expect(response["urgency"] as? String == "flash", "the request's urgency")
            let responseID = try #require(response["id"] as? String)
            let read = await UIFixture.poc(ui.root, "fra", ["read", responseID])
            #expect(read.contains("Receipt of your request \(id) is acknowledged"))
            #expect(read.contains("Estimated response time:"))
            #expect(read.contains("lead_agency") || read.contains("BSI"))
            #expect(read.contains("not agreement with, or endorsement of"))

            let answered = try await ui.request(
                .POST, path, cookies: session, form: [("csrf", csrf), ("mode", "answer"), ("answer", "It is a research scanner.\nNo action needed.")])
            #expect(answered.status == 303, "\(answered.body)")
            let after = await UIFixture.poc(ui.root, "fra", ["inbox", "--format", "json"])
            let all = try JSONSerialization.jsonObject(with: Data(after.utf8)) as? [[String: Any]] ?? []
            let answer = try #require(all.first { $0["type"] as? String == "rfi-response" && $0["id"] as? String != responseID }, "\(after)")
            let text = await UIFixture.poc(ui.root, "fra", ["read", try #require(answer["id"] as? String)])
            #expect(text.contains("It is a research scanner.\nNo action needed."), "\(text)")
        }
    }

    @Test(
        "an RFI: its fields laid out, the text as sent folded; Reply goes to compose; an ETA typed as 36h; a bad one is 422 in French with the form kept"
    )
    func fieldsReplyAndTypedETA() async throws {
        var id = ""
        try await UIFixture.with(prepare: { root, _, deuID in
            let line = await UIFixture.poc(
                root, "fra",
                ["rfi", "--to", deuID, "--subject", "Phishing wave", "--incident-nature", "phishing", "--information-requested", "Sender domains?"])
            id = Self.sentID(line)
        }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let opened = try await ui.request(.POST, "/message/\(id)/open", cookies: session, form: [("csrf", csrf)])
            #expect(opened.status == 303, "\(opened.body)")
            let page = try await ui.request(.GET, "/message/\(id)", cookies: session)
            #expect(page.status == 200)
            #expect(page.body.contains(#"<dt>Information requested</dt><dd><bdi>Sender domains?</bdi></dd>"#))
            // The body (`Nature of the incident: phishing` lines) only inside <details>, after the fields.
            let details = try #require(page.body.range(of: #"<details class="sent-text">"#), "the text as sent is folded")
            let fields = try #require(page.body.range(of: #"<section class="fields""#))
            #expect(fields.lowerBound < details.lowerBound)
            #expect(page.body.components(separatedBy: "Nature of the incident: phishing").count == 2, "the text once, folded")
            #expect(page.body[details.lowerBound...].contains("Nature of the incident: phishing"))
            #expect(page.body.contains(#"<a class="button" href="/compose?reply=\#(id)">Reply</a>"#))
            #expect(page.body.contains(#"<option value="24h" selected>24 hours</option>"#))
            #expect(page.body.contains(#"<option value="other">Other (type it below)</option>"#))
            #expect(page.body.contains(#"<label for="eta-other">Or type a duration</label>"#))

            let path = "/message/\(id)/respond"
            let french = session.merging(["lang": "fr"]) { $1 }
            let bad = try await ui.request(
                .POST, path, cookies: french,
                form: [("csrf", csrf), ("mode", "acknowledge"), ("eta", "other"), ("eta_other", "36 heures"), ("lead_agency", "ANSSI <CERT-FR>")])
            #expect(bad.status == 422)
            #expect(
                bad.body.contains("le délai de réponse estimé n&#39;est pas une durée")
                    || bad.body.contains("le délai de réponse estimé n'est pas une durée"), "\(bad.body)")
            #expect(bad.body.contains(#"value="36 heures""#), "what was typed stays")
            #expect(bad.body.contains(#"value="ANSSI &lt;CERT-FR&gt;""#), "escaped and kept")
            #expect(bad.body.contains(#"<option value="other" selected>"#))
            let otherEmpty = try await ui.request(.POST, path, cookies: session, form: [("csrf", csrf), ("mode", "acknowledge"), ("eta", "other")])
            #expect(otherEmpty.status == 422)
            #expect(otherEmpty.body.contains("is not a duration such as 36h or 3d"))
            for typed in ["0h", "36", "1y", "99999d"] {
                let refused = try await ui.request(
                    .POST, path, cookies: session, form: [("csrf", csrf), ("mode", "acknowledge"), ("eta", "24h"), ("eta_other", typed)])
                #expect(refused.status == 422, "\(typed)")
            }
            let unanswered = await UIFixture.poc(ui.root, "fra", ["inbox", "--format", "json"])
            #expect(!unanswered.contains("rfi-response"), "nothing sent by refused forms")

            let before = Date()
            let acknowledged = try await ui.request(
                .POST, path, cookies: session, form: [("csrf", csrf), ("mode", "acknowledge"), ("eta", "24h"), ("eta_other", " 36h ")])
            #expect(acknowledged.status == 303, "\(acknowledged.body)")
            let inbox = await UIFixture.poc(ui.root, "fra", ["inbox", "--format", "json"])
            let lines = try JSONSerialization.jsonObject(with: Data(inbox.utf8)) as? [[String: Any]] ?? []
            let response = try #require(lines.first { $0["type"] as? String == "rfi-response" }?["id"] as? String, "\(inbox)")
            let read = await UIFixture.poc(ui.root, "fra", ["read", response])
            let marker = "Estimated response time: "
            let start = try #require(read.range(of: marker), "\(read)").upperBound
            let eta = try #require(ISO8601DateFormatter().date(from: String(read[start...].prefix { $0 != "." && !$0.isWhitespace })), "\(read)")
            let expected = before.addingTimeInterval(36 * 3600)
            #expect(abs(eta.timeIntervalSince(expected)) < 600, "the typed 36h, not the list's 24h: \(eta)")
        }
    }
}

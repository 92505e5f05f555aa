import Foundation
import NIOHTTP1
import PocUI
import RelayProtocol
import RelayTestSupport
import Testing

@Suite("poc ui: a message from a verified key, in Arabic; attachments; forwarding refused by the consent rule")
struct PocUIMessageShareTests {
    @Test("verified sender, Arabic right to left, the attachment saved by POST as a download, and a forward refused with the reason")
    func verifiedArabicAttachmentForward() async throws {
        var id = ""
        let attachment = "line one\nline two <b>\n"
        try await UIFixture.with(prepare: { root, fra, deu in
            let file = root.file("notes v1 \"final\".txt")
            _ = FileManager.default.createFile(atPath: file, contents: Data(attachment.utf8))
            let line = await UIFixture.poc(
                root, "fra",
                ["send", "--to", deu, "--urgency", "immediate", "--subject", "Logs", "--body", "first line\nsecond <line>", "--attach", file])
            id = PocUIMessageTests.sentID(line)
            let shown = await UIFixture.poc(root, "deu", ["directory", "show", fra])
            let fingerprint = shown.split(separator: "\n").first { $0.hasPrefix("fingerprint:") }?.dropFirst("fingerprint:".count)
            await UIFixture.poc(root, "deu", ["trust", fra, "--fingerprint", String(fingerprint ?? "").trimmingCharacters(in: .whitespaces)])
        }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let arabic = ["poc_session": cookie, "lang": "ar"]
            let waiting = try await ui.request(.GET, "/message/\(id)", cookies: arabic)
            #expect(waiting.status == 200)
            #expect(waiting.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(waiting.body.contains("المفتاح مُتحقَّق منه عبر قناة مستقلة"), "verified, in Arabic")
            #expect(waiting.body.contains("فتح وإرسال إشعار الاستلام"))

            let opened = try await ui.request(.POST, "/message/\(id)/open", cookies: arabic, form: [("csrf", csrf)])
            #expect(opened.status == 303)
            let english = ["poc_session": cookie]
            let page = try await ui.request(.GET, "/message/\(id)", cookies: english)
            #expect(page.body.contains("key verified out of band"))
            #expect(page.body.contains(#"<div class="message-body" dir="auto">first line"#) && page.body.contains("second &lt;line&gt;</div>"))
            #expect(page.body.contains("notes v1 &quot;final&quot;.txt"))
            #expect(!page.body.contains(#"action="/message/\#(id)/respond""#), "no respond form for a plain message")
            #expect(page.body.contains("Forwarding needs the consent of every other party"))

            let save = "/message/\(id)/attachment/0"
            #expect(try await ui.request(.GET, save, cookies: english).status != 200, "saving is a POST")
            #expect(try await ui.request(.POST, save, cookies: english, form: []).status == 403)
            let saved = try await ui.request(.POST, save, cookies: english, form: [("csrf", csrf)])
            #expect(saved.status == 200)
            #expect(saved.body == attachment)
            #expect(saved.headers.first(name: "Content-Type") == "application/octet-stream")
            let disposition = saved.headers.first(name: "Content-Disposition") ?? ""
            #expect(
                disposition.hasPrefix(#"attachment; filename="notes_v1__final_.txt"; filename*=UTF-8''notes%20v1%20%22final%22.txt"#),
                "\(disposition)")
            #expect(try await ui.request(.POST, "/message/\(id)/attachment/1", cookies: english, form: [("csrf", csrf)]).status == 404)

            let forward = "/message/\(id)/forward"
            #expect(try await ui.request(.POST, forward, cookies: english, form: [("third_party", "USA-TEC-1A2B")]).status == 403)
            let refused = try await ui.request(.POST, forward, cookies: english, form: [("csrf", csrf), ("third_party", "USA-TEC-1A2B")])
            #expect(refused.status == 422)
            #expect(refused.body.contains("consent to share is missing from FRA-"), "the consent rule's reason")
            let notThird = try await ui.request(
                .POST, forward, cookies: english, form: [("csrf", csrf), ("third_party", page.body.fraID ?? "")])
            #expect(notThird.body.contains("is not a third party"))
            let ask = try await ui.request(
                .POST, "/message/\(id)/consent/request", cookies: english, form: [("csrf", csrf), ("third_party", "bad id!"), ("reason", "r")])
            #expect(ask.status == 422)
            #expect(ask.body.contains("the third party is not a POC id"))
        }
    }
}

extension PocUIMessageShareTests {
    @Test("a consent request received: grant and deny are CSRF-checked POSTs, and the requester receives the signed reply")
    func consentGrant() async throws {
        try await UIFixture.with(prepare: { root, _, deu in
            let sent = await UIFixture.poc(root, "fra", ["send", "--to", deu, "--subject", "Indicators", "--body", "a list"])
            let original = PocUIMessageTests.sentID(sent)
            await UIFixture.poc(
                root, "fra", ["consent", "request", original, "--third-party", "USA-TEC-1A2B", "--reason", "the same campaign hits them"])
        }) { ui in
            let (cookie, csrf) = try await ui.loginAndUnlock()
            let session = ["poc_session": cookie]
            let inbox = try await ui.request(.GET, "/inbox", cookies: session).body
            let row = try #require(inbox.range(of: "Consent request</td>"), "the consent request in the inbox")
            let link = try #require(inbox[..<row.lowerBound].range(of: #"href="/message/"#, options: .backwards))
            let request = String(inbox[link.upperBound...].prefix { $0 != "\"" })
            #expect((try? MessageID(request)) != nil, "\(request)")
            #expect(try await ui.request(.POST, "/message/\(request)/open", cookies: session, form: [("csrf", csrf)]).status == 303)
            let page = try await ui.request(.GET, "/message/\(request)", cookies: session)
            #expect(page.body.contains(#"<dt>Third party</dt><dd><bdi>USA-TEC-1A2B</bdi></dd>"#))
            #expect(page.body.contains(#"<dt>Reason</dt><dd><bdi>the same campaign hits them</bdi></dd>"#))
            #expect(page.body.contains(#"action="/message/\#(request)/consent/grant""#))
            #expect(!page.body.contains("Share with a third party"), "a consent request is not itself shared")
            #expect(try await ui.request(.POST, "/message/\(request)/consent/grant", cookies: session, form: []).status == 403)
            let granted = try await ui.request(.POST, "/message/\(request)/consent/grant", cookies: session, form: [("csrf", csrf)])
            #expect(granted.status == 303)
            #expect(granted.headers.first(name: "Location") == "/message/\(request)?done=granted")
            let replies = await UIFixture.poc(ui.root, "fra", ["inbox", "--format", "json"])
            let lines = try JSONSerialization.jsonObject(with: Data(replies.utf8)) as? [[String: Any]] ?? []
            let reply = try #require(lines.first { $0["type"] as? String == "consent-reply" }, "\(replies)")
            let read = await UIFixture.poc(ui.root, "fra", ["read", try #require(reply["id"] as? String)])
            #expect(read.contains("granted: true"), "\(read)")
        }
    }
}

extension String {
    /// The sender's id in a message page (`<bdi dir="ltr" class="poc">FRA-...</bdi>`).
    fileprivate var fraID: String? {
        guard let start = range(of: #"<bdi dir="ltr" class="poc">FRA-"#) else { return nil }
        return "FRA-" + self[start.upperBound...].prefix { $0 != "<" }
    }
}

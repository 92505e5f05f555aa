import Foundation
import NIOHTTP1
import PocKit
import PocUI
import RelayProtocol
import RelayTestSupport
import Testing

/// What the sent and record tests share: opening a home's client as the command line does.
enum SentRecordSupport {
    /// Runs `body` with the client of `home` in the fixture, opened with the test passphrase, and shuts it down.
    static func withClient<T>(_ root: TemporaryDirectory, _ home: String, _ body: (PocClient) throws -> T) async throws -> T {
        let client = try PocClient.open(
            home: PocHome(explicit: root.file(home), environment: [:]), passphrase: PassphraseSource(file: root.file("passphrase"), usesAgent: false))
        do {
            let result = try body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// Moves a sent message's acceptance `seconds` into the past in the record, as if it had been sent then.
    static func backdate(_ root: TemporaryDirectory, _ home: String, _ id: String, seconds: Int64) async throws {
        try await withClient(root, home) { client in
            var entry = try #require(try client.record.get(.message, id: id, as: RecordedMessage.self))
            entry.acceptedAt = try #require(entry.acceptedAt).adding(seconds: -seconds)
            try client.record.put(.message, id: id, at: entry.recordedAt, entry)
        }
    }

    /// Unlocks the keys for a logged-in session, as the unlock page's form does.
    static func unlock(_ ui: UIFixture, cookie: String) async throws {
        let page = try await ui.request(.GET, "/unlock", cookies: ["poc_session": cookie])
        let unlocked = try await ui.request(
            .POST, "/unlock", cookies: ["poc_session": cookie],
            form: [("csrf", try UIFixture.csrf(in: page.body)), ("passphrase", UIFixture.passphrase)])
        #expect(unlocked.status == 303)
    }

    /// The part of `page` from `marker` to the next `end`.
    static func block(_ page: String, from marker: String, to end: String) -> String {
        guard let start = page.range(of: marker) else { return "" }
        let rest = page[start.lowerBound...]
        return String(rest[..<(rest.range(of: end)?.upperBound ?? rest.endIndex)])
    }
}

@Suite("poc ui: the Sent page, against a live relay")
struct PocUISentTests {
    @Test("sent: newest first, a receipted delivery verified and a missing one; the past-window filter is poc log --past-window's rule")
    func receiptedAndUnreceipted() async throws {
        var receipted = ""
        var late = ""
        var fresh = ""
        var fra = ""
        try await UIFixture.with(prepare: { root, fraID, _ in
            fra = fraID
            func send(_ arguments: [String]) async -> String {
                // Sending times have a resolution of a second: each message its own, so "newest first" is one order.
                let second = Timestamp.now()
                while Timestamp.now() == second { try? await Task.sleep(for: .milliseconds(50)) }
                return PocUIMessageTests.sentID(await UIFixture.poc(root, "deu", ["send", "--to", fraID] + arguments))
            }
            receipted = await send([
                "--urgency", "flash", "--tlp", "AMBER", "--exercise", "--subject", "Receipted <flash>", "--body", "Please confirm.",
            ])
            late = await send(["--urgency", "flash", "--subject", "Late flash", "--body", "Nobody read this yet."])
            fresh = await send(["--urgency", "routine", "--subject", "Routine fresh", "--body", "No hurry."])
            await UIFixture.poc(root, "fra", ["read", receipted])
            // Both FLASH messages accepted an hour ago: past the 15-minute window; only the unread one is late.
            try await SentRecordSupport.backdate(root, "deu", receipted, seconds: 3600)
            try await SentRecordSupport.backdate(root, "deu", late, seconds: 3600)
        }) { ui in
            let before = await UIFixture.poc(ui.root, "deu", ["log", "--unreceipted", "--format", "json"])
            #expect(before.contains(receipted), "the receipt is not in deu's record before the Sent page asks the relay")

            let none = try await ui.request(.GET, "/sent")
            #expect(none.status == 401)
            let cookie = try await ui.login()
            let locked = try await ui.request(.GET, "/sent", cookies: ["poc_session": cookie])
            #expect(locked.status == 303)
            #expect(locked.headers.first(name: "Location") == "/unlock")

            try await SentRecordSupport.unlock(ui, cookie: cookie)
            let session = cookie
            let page = try await ui.request(.GET, "/sent", cookies: ["poc_session": session])
            #expect(page.status == 200)
            let body = page.body
            #expect(body.contains("Delivery states asked from the relay at"), "the relay answered in time")
            let order = [fresh, late, receipted].compactMap { body.range(of: #"id="sent-\#($0)""#)?.lowerBound }
            #expect(order.count == 3 && order == order.sorted(), "newest first")

            let done = SentRecordSupport.block(body, from: #"id="sent-\#(receipted)""#, to: "</li>")
            #expect(done.contains("Receipted &lt;flash&gt;"))
            #expect(done.contains(#"<span class="urgency urgency-flash">FLASH</span>"#))
            #expect(done.contains(#"<span class="exercise-mark">EXERCISE</span>"#))
            #expect(done.contains("TLP:AMBER"))
            #expect(done.contains("1 of 1 receipted"))
            #expect(done.contains(#"<bdi dir="ltr">\#(fra)</bdi>"#))
            #expect(
                done.contains(#"<span class="receipt-check check-verified">Verified: signed by the recipient&#39;s key</span>"#)
                    || done.contains("check-verified"))
            #expect(done.components(separatedBy: "<time datetime=").count - 1 == 4, "sent, accepted, fetched and receipted times")
            #expect(!done.contains("LATE"))

            let missing = SentRecordSupport.block(body, from: #"id="sent-\#(late)""#, to: "</li>")
            #expect(missing.contains("Late flash"))
            #expect(missing.contains("0 of 1 receipted"))
            #expect(missing.contains("check-none"))
            #expect(missing.contains("LATE: unreceipted after the receipt window of 15 minutes"))
            #expect(!missing.contains("check-verified"))

            let routine = SentRecordSupport.block(body, from: #"id="sent-\#(fresh)""#, to: "</li>")
            #expect(routine.contains("Routine fresh") && routine.contains("check-none") && !routine.contains("LATE"))

            // The page asked the relay and kept the verified receipt in the record, as poc status does.
            let after = await UIFixture.poc(ui.root, "deu", ["log", "--unreceipted", "--format", "json"])
            #expect(!after.contains(receipted) && after.contains(late) && after.contains(fresh))

            // The interface's own write (the receipt it kept) shows on the record page at once.
            let record = try await ui.request(.GET, "/record?q=receipted", cookies: ["poc_session": session])
            #expect(record.body.contains("1 of 1 receipted"), "\(record.body)")

            let filtered = try await ui.request(.GET, "/sent?filter=past-window", cookies: ["poc_session": session])
            #expect(filtered.status == 200)
            #expect(filtered.body.contains(#"id="sent-\#(late)""#))
            #expect(!filtered.body.contains(#"id="sent-\#(receipted)""#) && !filtered.body.contains(#"id="sent-\#(fresh)""#))
            #expect(filtered.body.contains(#"value="past-window" checked"#), "the filter stays set")
            let cli = await UIFixture.poc(ui.root, "deu", ["log", "--past-window", "--format", "json"])
            #expect(cli.contains(late) && !cli.contains(receipted) && !cli.contains(fresh), "one rule for the page and poc log")

            let arabic = try await ui.request(.GET, "/sent", cookies: ["poc_session": session, "lang": "ar"])
            #expect(arabic.status == 200)
            #expect(arabic.body.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(arabic.body.contains("مُتحقَّق منه: موقَّع بمفتاح المستلم"))
            #expect(arabic.body.contains("متأخرة: لم يرد إشعار الاستلام بعد انقضاء مهلة 15 دقيقة"))
            #expect(!arabic.body.contains("receipted"), "no English left in Arabic")
        }
    }

    @Test("sent: nothing sent yet, in English and French, and the filter's own empty message")
    func empty() async throws {
        try await UIFixture.with { ui in
            let (session, _) = try await ui.loginAndUnlock()
            let empty = try await ui.request(.GET, "/sent", cookies: ["poc_session": session])
            #expect(empty.status == 200)
            #expect(empty.body.contains("This point of contact has not sent any message yet."))
            #expect(empty.body.contains(#"<a href="/sent" aria-current="page">Sent</a>"#))
            let filtered = try await ui.request(.GET, "/sent?filter=past-window", cookies: ["poc_session": session, "lang": "fr"])
            #expect(filtered.status == 200)
            #expect(filtered.body.contains("Aucun message envoyé n’est sans accusé de réception après son délai."))
        }
    }

    @Test("sent: with the relay unreachable the page still comes, from the record, and says the fetch times are unknown")
    func relayUnreachable() async throws {
        var id = ""
        try await UIFixture.with(prepare: { root, fra, _ in
            id = PocUIMessageTests.sentID(await UIFixture.poc(root, "deu", ["send", "--to", fra, "--subject", "Before the outage", "--body", "x"]))
            // The relay moves away: nothing listens on port 1.
            let path = root.file("deu/profile.json")
            let profile = try String(contentsOfFile: path, encoding: .utf8)
            let moved = profile.replacingOccurrences(
                of: #""server"\s*:\s*"[^"]*""#, with: #""server": "https://127.0.0.1:1""#, options: .regularExpression)
            #expect(moved != profile)
            try moved.write(toFile: path, atomically: true, encoding: .utf8)
        }) { ui in
            let (session, _) = try await ui.loginAndUnlock()
            let started = ContinuousClock.now
            let away = try await ui.request(.GET, "/sent", cookies: ["poc_session": session])
            #expect(away.status == 200)
            #expect(ContinuousClock.now - started < .seconds(30))
            #expect(away.body.contains(#"id="sent-\#(id)""#))
            #expect(away.body.contains("The relay did not answer in time"))
            #expect(away.body.contains("Unknown") && away.body.contains("check-none"))
        }
    }
}

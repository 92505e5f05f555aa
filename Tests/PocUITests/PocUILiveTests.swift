import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import RelayProtocol
import RelayTestSupport
import Testing

@testable import PocUI

@Suite("poc ui: the live inbox's event stream, against a live relay")
struct PocUILiveTests {
    @Test("GET /events: the inbox's live part at once, a new FLASH's row when it arrives, heartbeats; nothing opened or receipted")
    func arrival() async throws {
        var deu = ""
        try await UIFixture.with(prepare: { root, _, deuID in
            deu = deuID
            await UIFixture.poc(root, "fra", ["send", "--to", deuID, "--subject", "Weekly <report>", "--body", "b"])
        }) { ui in
            let (cookie, _) = try await ui.loginAndUnlock()
            try await LiveStream.with(ui, cookie: cookie) { stream in
                #expect(stream.status == 200)
                #expect(stream.headers.first(name: "Content-Type") == "text/event-stream; charset=utf-8")
                #expect(stream.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true)

                let first = try await stream.next { $0.name == "inbox" }
                #expect(first.data.contains("Weekly &lt;report&gt;"), "\(first.data)")
                #expect(first.data.contains(#"<table class="inbox">"#))
                #expect(!first.data.contains("<html"), "the live part only, not the page")

                let line = await UIFixture.poc(
                    ui.root, "fra", ["send", "--to", deu, "--urgency", "flash", "--tlp", "red", "--subject", "Grid down", "--body", "the body text"])
                let id = PocUIMessageTests.sentID(line)
                let arrived = try await stream.next { $0.name == "inbox" && $0.data.contains("Grid down") }
                #expect(arrived.data.contains(#"<tr class="row-flash">"#))
                #expect(arrived.data.contains(#"href="/message/\#(id)""#))
                #expect(arrived.data.contains("TLP:RED"))
                #expect(arrived.data.contains("Weekly &lt;report&gt;"), "the list, not only the new row")
                #expect(!arrived.data.contains("the body text"), "no body: the message is not opened")
                #expect(arrived.data.range(of: "Grid down")!.lowerBound < arrived.data.range(of: "Weekly")!.lowerBound, "most urgent first")

                let beat = try await stream.next(within: .seconds(40)) { $0.isComment }
                #expect(beat.comment == "heartbeat")

                #expect(!(await PocUIMessageTests.receiptRow(ui.root, id, deu)).contains("verified"), "watching sends no receipt")
                let inbox = try await ui.request(.GET, "/inbox", cookies: ["poc_session": cookie])
                #expect(inbox.body.contains("Grid down"), "still waiting on the relay")
                let message = try await ui.request(.GET, "/message/\(id)", cookies: ["poc_session": cookie])
                #expect(message.body.contains(#"action="/message/\#(id)/open""#), "not opened: the Open button is still there")
                #expect(!message.body.contains("the body text"))
            }
        }
    }

    @Test("GET /events: refused without a session or from a foreign Host; locked keys send `locked` and end; the lock button ends an open stream")
    func guards() async throws {
        try await UIFixture.with { ui in
            let anonymous = try await ui.request(.GET, "/events")
            #expect(anonymous.status == 401)
            #expect(!anonymous.body.contains("event:"))
            let cookie = try await ui.login()
            let foreign = try await ui.request(.GET, "/events", cookies: ["poc_session": cookie], host: "evil.example:\(ui.port)")
            #expect(foreign.status == 421)

            let locked = try await ui.request(.GET, "/events", cookies: ["poc_session": cookie])
            #expect(locked.status == 200)
            #expect(locked.body.contains("event: locked\n"), "\(locked.body)")
            #expect(!locked.body.contains("event: inbox"))

            let (session, csrf) = try await ui.loginAndUnlockAgain(cookie: cookie)
            try await LiveStream.with(ui, cookie: session) { stream in
                _ = try await stream.next { $0.name == "inbox" }
                let lock = try await ui.request(.POST, "/lock", cookies: ["poc_session": session], form: [("csrf", csrf)])
                #expect(lock.status == 303)
                let end = try await stream.next(within: .seconds(10)) { $0.name == "locked" }
                #expect(end.data.isEmpty)
                #expect(try await stream.ended(within: .seconds(10)), "the stream ends after `locked`")
            }
        }
    }

    @Test("an open stream is not activity: the idle lock still drops the keys, and the stream then sends `locked` and ends")
    func idleLock() async throws {
        try await UIFixture.with(lockAfter: .seconds(3), idleCheckInterval: .milliseconds(250)) { ui in
            let (cookie, _) = try await ui.loginAndUnlock()
            let start = ContinuousClock.now
            try await LiveStream.with(ui, cookie: cookie) { stream in
                // On a loaded machine the keys may lock before the first inbox event: wait for `locked` either way.
                _ = try await stream.next(within: .seconds(60)) { $0.name == "locked" }
                #expect(ContinuousClock.now - start >= .seconds(2), "locked by idleness, not at once")
                #expect(try await stream.ended(within: .seconds(10)))
            }
            let inbox = try await ui.request(.GET, "/inbox", cookies: ["poc_session": cookie])
            #expect(inbox.status == 303, "the keys are locked")
        }
    }

    @Test("an event's data cannot end its field early: CR, LF and CRLF each start a new data line")
    func eventFormat() {
        let event = LiveEvent.inbox(html: "<p>a\rdata: x</p>\r\n<p>b\n\nevent: locked</p>")
        #expect(event.text == "event: inbox\ndata: <p>a\ndata: data: x</p>\ndata: <p>b\ndata: \ndata: event: locked</p>\n\n")
        #expect(LiveEvent.heartbeat.text == ": heartbeat\n\n")
        #expect(LiveEvent.locked.text == "event: locked\ndata: \n\n")
    }
}

extension UIFixture {
    /// Unlocks with the passphrase for an already logged-in session.
    func loginAndUnlockAgain(cookie: String) async throws -> (cookie: String, csrf: String) {
        let page = try await request(.GET, "/unlock", cookies: ["poc_session": cookie])
        let csrf = try Self.csrf(in: page.body)
        let unlocked = try await request(
            .POST, "/unlock", cookies: ["poc_session": cookie], form: [("csrf", csrf), ("passphrase", Self.passphrase)])
        #expect(unlocked.status == 303, "\(unlocked.body)")
        return (cookie, csrf)
    }
}

/// `GET /events` read as it streams: server-sent events parsed as EventSource does.
struct LiveStream {
    struct Event {
        var name: String?
        var data: String
        var comment: String?
        var isComment: Bool { comment != nil }
    }

    let status: Int
    let headers: HTTPHeaders
    private let client: HTTPClient
    private var body: HTTPClientResponse.Body.AsyncIterator
    private var pending = ""

    /// Runs `body` with a stream open, closed afterwards even when `body` throws
    /// (an HTTPClient dropped without shutdown stops the whole test process).
    static func with(_ ui: UIFixture, cookie: String, _ body: (inout LiveStream) async throws -> Void) async throws {
        var stream = try await open(ui, cookie: cookie)
        do {
            try await body(&stream)
        } catch {
            await stream.close()
            throw error
        }
        await stream.close()
    }

    static func open(_ ui: UIFixture, cookie: String) async throws -> LiveStream {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(ui.port)/events")
        request.headers.add(name: "Cookie", value: "poc_session=\(cookie)")
        request.headers.add(name: "Accept", value: "text/event-stream")
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            return LiveStream(
                status: Int(response.status.code), headers: response.headers, client: client, body: response.body.makeAsyncIterator())
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func close() async {
        try? await client.shutdown()
    }

    /// The next event (or comment) for which `wanted` holds, within `timeout`.
    mutating func next(
        within timeout: Duration = .seconds(60), sourceLocation: SourceLocation = #_sourceLocation, _ wanted: (Event) -> Bool
    ) async throws -> Event {
        let deadline = ContinuousClock.now + timeout
        while true {
            while let block = takeBlock() {
                if let event = Self.parse(block), wanted(event) { return event }
            }
            let chunk = try await read(until: deadline)
            let got = try #require(chunk, "no such event within \(timeout); had: \(pending)", sourceLocation: sourceLocation)
            pending += String(buffer: got)
        }
    }

    /// Whether the body ends (after what is pending) within `timeout`.
    mutating func ended(within timeout: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            guard let chunk = try await read(until: deadline, endIsNil: true) else { return true }
            if chunk.readableBytes == 0 { return false }
        }
    }

    private mutating func takeBlock() -> String? {
        guard let end = pending.range(of: "\n\n") else { return nil }
        let block = String(pending[..<end.lowerBound])
        pending = String(pending[end.upperBound...])
        return block
    }

    private static func parse(_ block: String) -> Event? {
        var event = Event(name: nil, data: "", comment: nil)
        var dataLines: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix(":") {
                event.comment = line.dropFirst().trimmingCharacters(in: .whitespaces)
            } else if line.hasPrefix("event: ") {
                event.name = String(line.dropFirst("event: ".count))
            } else if line.hasPrefix("data: ") {
                dataLines.append(String(line.dropFirst("data: ".count)))
            }
        }
        event.data = dataLines.joined(separator: "\n")
        if event.name == nil && dataLines.isEmpty && event.comment == nil { return nil }
        if event.name != nil || !dataLines.isEmpty { event.comment = nil }
        return event
    }

    /// One chunk of the body; nil at its end. Past `deadline`: nil when
    /// `endIsNil` is false (nothing came), else an empty buffer (not ended).
    private mutating func read(until deadline: ContinuousClock.Instant, endIsNil: Bool = false) async throws -> ByteBuffer? {
        var iterator = body
        defer { body = iterator }
        let box = IteratorBox(iterator)
        let result = try await withThrowingTaskGroup(of: ByteBuffer??.self) { group in
            group.addTask { .some(try await box.next()) }
            group.addTask {
                try await Task.sleep(until: deadline)
                return .none
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        iterator = box.iterator
        switch result {
        case .none: return endIsNil ? ByteBuffer() : nil
        case .some(let chunk): return chunk
        }
    }
}

/// Lets a child task advance the body's iterator (the test owns it; one reader at a time).
private final class IteratorBox: @unchecked Sendable {
    var iterator: HTTPClientResponse.Body.AsyncIterator
    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> ByteBuffer? { try await iterator.next() }
}

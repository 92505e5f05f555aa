import NIOCore

/// One thing the live inbox's event stream (`GET /events`, text/event-stream)
/// sends to the page.
enum LiveEvent: Sendable, Equatable {
    /// The inbox's live part (pings, the list, the refused messages) as the
    /// inbox page renders it: nothing the page itself would not show.
    case inbox(html: String)
    /// The keys locked: the stream ends, and the page reloads (to the unlock page).
    case locked
    /// `poc ui` is stopping: the stream ends, and the page says so.
    case stopped
    /// The relay did not answer the long poll; it is asked again.
    case unreachable
    /// A comment line that keeps the connection open through idle proxies and
    /// lets the server notice a browser that went away.
    case heartbeat
    /// The stream's first bytes: how long the browser waits before reconnecting.
    case opening

    /// How often ``heartbeat`` is sent.
    static let heartbeatInterval: Duration = .seconds(15)

    /// The event in the text/event-stream format. Every line of the data gets
    /// its own `data:` field, split at CR, LF and CRLF alike, so that no text in
    /// it (a subject with a carriage return) can end the field early and start
    /// another field or event.
    var text: String {
        switch self {
        case .inbox(let html): Self.event("inbox", data: html)
        case .locked: Self.event("locked", data: "")
        case .stopped: Self.event("stopped", data: "")
        case .unreachable: Self.event("unreachable", data: "")
        case .heartbeat: ": heartbeat\n\n"
        case .opening: "retry: 5000\n: live inbox\n\n"
        }
    }

    var bytes: ByteBuffer { ByteBuffer(string: text) }

    private static func event(_ name: String, data: String) -> String {
        var lines: [Substring.UnicodeScalarView] = [Substring.UnicodeScalarView()]
        var previous: Unicode.Scalar?
        for scalar in data.unicodeScalars {
            if scalar == "\n" || scalar == "\r" {
                // CRLF is one line end.
                if !(scalar == "\n" && previous == "\r") { lines.append(Substring.UnicodeScalarView()) }
            } else {
                lines[lines.count - 1].append(scalar)
            }
            previous = scalar
        }
        return "event: \(name)\n" + lines.map { "data: \(String($0))\n" }.joined() + "\n"
    }
}

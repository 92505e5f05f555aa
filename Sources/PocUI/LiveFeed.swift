import Foundation
import Hummingbird
import NIOCore
import PocKit
import ServiceLifecycle

/// One browser's live inbox: the relay's long poll through PocKit's
/// ``PocKit/ArrivalWatch`` (as `poc watch` waits), turned into server-sent events.
///
/// - Whenever what the inbox page would show changes (a message arrives, or
///   leaves after being opened elsewhere, a ping comes or goes), the page's
///   live part as the inbox page renders it: no content the page itself would
///   not show. Watching fetches, as loading the inbox does; it opens nothing
///   into the record and sends no receipt.
/// - A heartbeat comment every ``LiveEvent/heartbeatInterval``.
/// - It ends with `locked` within a second of the keys locking (so the client
///   and its keys are not held past the lock), and with `stopped` when `poc ui`
///   shuts down gracefully, so that shutdown never waits for an open stream.
///
/// It does not count as activity: an open tab alone does not keep the keys
/// unlocked past their idle time.
struct LiveFeed: Sendable {
    let state: UIState
    let client: PocClient
    let context: UIRequestContext

    /// How often the keys' state is looked at.
    static let lockCheckInterval: Duration = .seconds(1)

    func run(_ writer: inout any ResponseBodyWriter) async throws {
        try await writer.write(LiveEvent.opening.bytes)
        let (events, sink) = AsyncStream.makeStream(of: LiveEvent.self, bufferingPolicy: .bufferingNewest(16))
        let ending: LiveEvent = try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await watchInbox(sink) }
            group.addTask { await beat(sink) }
            group.addTask { await watchLock(sink) }
            defer { group.cancelAll() }
            for await event in events.cancelOnGracefulShutdown() {
                if event == .locked { return .locked }
                try await writer.write(event.bytes)
            }
            return .stopped
        }
        // The browser may be gone already, or the server's task cancelled.
        try? await writer.write(ending.bytes)
        try await writer.finish(nil)
    }

    /// Sends the live part whenever it changes; the first look does not wait.
    private func watchInbox(_ sink: AsyncStream<LiveEvent>.Continuation) async {
        var watch = ArrivalWatch(client: client)
        var wait = 0
        var last: String?
        var backoff = 1
        while !Task.isCancelled {
            do {
                let look = try await watch.next(wait: wait)
                wait = ArrivalWatch.pollSeconds
                backoff = 1
                let html = await liveRegion(look)
                if html != last {
                    last = html
                    sink.yield(.inbox(html: html))
                }
            } catch {
                if Task.isCancelled { return }
                last = nil
                sink.yield(.unreachable)
                do { try await Task.sleep(for: .seconds(backoff)) } catch { return }
                backoff = min(backoff * 2, 60)
            }
        }
    }

    private func beat(_ sink: AsyncStream<LiveEvent>.Continuation) async {
        while true {
            do { try await Task.sleep(for: LiveEvent.heartbeatInterval) } catch { return }
            sink.yield(.heartbeat)
        }
    }

    private func watchLock(_ sink: AsyncStream<LiveEvent>.Continuation) async {
        while true {
            do { try await Task.sleep(for: Self.lockCheckInterval) } catch { return }
            if !(await state.vault.isUnlocked) {
                sink.yield(.locked)
                return
            }
        }
    }

    /// The inbox page over this look, cut to its live part (between the
    /// template's `<!--live-->` and `<!--/live-->`).
    private func liveRegion(_ look: ArrivalWatch.Look) async -> String {
        let page = InboxPage(state: state, client: client).page(entries: look.entries, pings: look.pings, context: context)
        let html = await page.body.collectedText()
        guard let start = html.range(of: "<!--live-->"), let end = html.range(of: "<!--/live-->", range: start.upperBound..<html.endIndex)
        else { return "" }
        return String(html[start.upperBound..<end.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension ResponseBody {
    /// The text of a body rendered in memory (a page of ours, never a stream).
    func collectedText() async -> String {
        let collector = LiveBodyCollector()
        try? await write(collector)
        return String(buffer: collector.box.buffer)
    }
}

/// Collects what a response body writes.
private struct LiveBodyCollector: ResponseBodyWriter {
    final class Box {
        var buffer = ByteBuffer()
    }
    let box = Box()

    mutating func write(_ buffer: ByteBuffer) async throws {
        var buffer = buffer
        box.buffer.writeBuffer(&buffer)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

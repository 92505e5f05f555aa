import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of live updates: `GET /events`, server-sent events from the
/// relay's long poll (see ``LiveFeed``), behind the same Host and session
/// guards as every page. GET changes nothing: the stream fetches as the inbox
/// page does, and never opens a message or sends a receipt.
struct LiveRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
        router.get("/events") { _, context in await events(context) }
    }

    static let headers: HTTPFields = [.contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-store"]

    /// The stream; with the keys locked, a `locked` event alone (the page
    /// reloads to the unlock page) rather than a redirect EventSource cannot follow.
    private func events(_ context: UIRequestContext) async -> Response {
        guard let client = await state.vault.unlockedClient() else {
            var bytes = LiveEvent.opening.bytes
            bytes.writeImmutableBuffer(LiveEvent.locked.bytes)
            return Response(status: .ok, headers: Self.headers, body: .init(byteBuffer: bytes))
        }
        let feed = LiveFeed(state: state, client: client, context: context)
        return Response(status: .ok, headers: Self.headers, body: ResponseBody { writer in try await feed.run(&writer) })
    }
}

import AsyncHTTPClient
import Synchronization

/// The webhook client: one for the sender's life (made when ``AlertSender/run()``
/// starts, shut down when it ends); a call outside that life gets a client
/// of its own, shut down after it.
final class ClientHolder: Sendable {
    private let current = Mutex<HTTPClient?>(nil)
    private let timeout: Duration

    init(timeout: Duration) { self.timeout = timeout }

    /// Makes the shared client.
    func start() {
        let client = WebhookDelivery.makeClient(timeout: timeout)
        let old = current.withLock { current in
            defer { current = client }
            return current
        }
        if let old { Task { try? await old.shutdown() } }
    }

    /// Shuts the shared client down.
    func stop() async {
        let client = current.withLock { current in
            defer { current = nil }
            return current
        }
        try? await client?.shutdown()
    }

    /// Runs `body` with the shared client, or with one of its own.
    func withClient<T>(_ body: (HTTPClient) async -> T) async -> T {
        if let client = current.withLock({ $0 }) { return await body(client) }
        let client = WebhookDelivery.makeClient(timeout: timeout)
        let result = await body(client)
        try? await client.shutdown()
        return result
    }
}

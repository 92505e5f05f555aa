import AsyncHTTPClient
import Foundation
import RelayAlerts
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

/// The webhook's address checks, on real resolution and real connections.
@Suite("Webhook address checks")
struct WebhookAddressTests {
    /// Runs `body` with a real delivery (its own client), shut down afterwards.
    func withDelivery(
        allowLoopback: Bool, allowPrivate: Bool = false, timeout: Duration = .seconds(3), _ body: (WebhookDelivery) async throws -> Void
    ) async throws {
        let client = WebhookDelivery.makeClient(timeout: timeout)
        let delivery = WebhookDelivery(
            client: client, timeout: timeout, policy: WebhookAddressPolicy(allowLoopback: allowLoopback, allowPrivate: allowPrivate))
        do { try await body(delivery) } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }

    let body = Data(#"{"type":"poc-relay.alert"}"#.utf8)

    @Test(
        "private, link-local, loopback and reserved literals are refused at send time, even when stored unchecked",
        arguments: [
            ("https://10.1.2.3/hook", "address not allowed: private"),
            ("https://169.254.169.254/latest/meta-data", "address not allowed: link-local"),
            ("https://[fd00::1]/hook", "address not allowed: private"),
            ("https://127.0.0.1:1/hook", "address not allowed: loopback"),
            ("https://0.0.0.0/hook", "address not allowed: reserved"),
        ])
    func literalsRefused(_ target: String, _ reason: String) async throws {
        try await withDelivery(allowLoopback: false) { delivery in
            #expect(await delivery.send(to: target, body: body, signature: "x") == .failed(reason))
        }
    }

    @Test("a host name that resolves to a loopback address is refused after resolution (no connection made)")
    func resolvedLoopbackRefused() async throws {
        try await withReceivers([.status(200)]) { receivers in
            try await withDelivery(allowLoopback: false) { delivery in
                let target = "https://localhost:\(receivers[0].port)/hook"
                #expect(await delivery.send(to: target, body: body, signature: "x") == .failed("address not allowed: loopback"))
            }
            #expect(receivers[0].received.isEmpty)
        }
    }

    @Test("the policy refuses any non-allowed address among those resolved, and the machine's own addresses")
    func policy() {
        let strict = WebhookAddressPolicy(allowLoopback: false, allowPrivate: false)
        #expect(strict.refusal(of: [[93, 184, 215, 14]], ownAddresses: []) == nil)
        #expect(strict.refusal(of: [[93, 184, 215, 14], [10, 0, 0, 7]], ownAddresses: []) == "address not allowed: private")
        #expect(strict.refusal(of: [[169, 254, 1, 1]], ownAddresses: []) == "address not allowed: link-local")
        #expect(strict.refusal(of: [[100, 64, 0, 1]], ownAddresses: []) == "address not allowed: private")
        #expect(strict.refusal(of: [], ownAddresses: []) == "host resolves to no address")
        let v6Mapped: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 168, 1, 1]
        #expect(strict.refusal(of: [v6Mapped], ownAddresses: []) == "address not allowed: private")
        // A public address that is one of the relay's own is refused too.
        #expect(strict.refusal(of: [[93, 184, 215, 14]], ownAddresses: [[93, 184, 215, 14]]) == "address not allowed: own address")
        let lenient = WebhookAddressPolicy(allowLoopback: false, allowPrivate: true)
        #expect(lenient.refusal(of: [[10, 0, 0, 7]], ownAddresses: []) == nil)
        #expect(lenient.refusal(of: [[10, 0, 0, 7]], ownAddresses: [[10, 0, 0, 7]]) == "address not allowed: own address")
        // Tests (loopback allowed) may reach the machine itself.
        #expect(WebhookAddressPolicy(allowLoopback: true, allowPrivate: false).refusal(of: [[127, 0, 0, 1]], ownAddresses: [[127, 0, 0, 1]]) == nil)
    }

    @Test("resolution and the interface list are real: localhost is loopback and this machine has 127.0.0.1")
    func realResolution() async {
        let resolved = await WebhookAddressPolicy.resolveInBackground("localhost", timeout: .seconds(10)) ?? []
        #expect(resolved.contains([127, 0, 0, 1]))
        #expect(WebhookAddressPolicy.interfaceAddresses().contains([127, 0, 0, 1]))
        #expect(await WebhookAddressPolicy.resolveInBackground("no-such-host.invalid", timeout: .seconds(10)) == nil)
    }

    @Test("an own interface address is refused even where private networks are allowed, before any connection")
    func ownInterfaceRefused() async throws {
        let lenient = WebhookAddressPolicy(allowLoopback: false, allowPrivate: true)
        // An own address that the ranges alone would allow (public, private or link-local).
        let own = WebhookAddressPolicy.interfaceAddresses().filter { address in
            lenient.refusal(of: [address], ownAddresses: []) == nil
        }
        guard let address = own.sorted(by: { $0.count < $1.count }).first else { return }  // loopback only: nothing to test
        let literal =
            address.count == 4
            ? address.map(String.init).joined(separator: ".")
            : "["
                + stride(from: 0, to: 16, by: 2).map { String(UInt16(address[$0]) << 8 | UInt16(address[$0 + 1]), radix: 16) }
                .joined(separator: ":") + "]"
        try await withDelivery(allowLoopback: false, allowPrivate: true) { delivery in
            #expect(await delivery.send(to: "https://\(literal):1/hook", body: body, signature: "x") == .failed("address not allowed: own address"))
        }
    }

    @Test("a closed port is 'connection refused'; an http:// URL without loopback allowed is refused before any connection")
    func connectionRefused() async throws {
        // A long attempt time: on a loaded machine the refusal must not turn into a time-out.
        try await withDelivery(allowLoopback: true, timeout: .seconds(30)) { delivery in
            #expect(await delivery.send(to: "http://127.0.0.1:1/hook", body: body, signature: "x") == .failed("connection refused"))
        }
        try await withDelivery(allowLoopback: false) { delivery in
            #expect(await delivery.send(to: "http://example.org/hook", body: body, signature: "x") == .failed("webhook URL not allowed"))
        }
    }

    @Test("a slow answer past the attempt time is a time-out")
    func slowAnswer() async throws {
        try await withReceivers([.slow(.seconds(5), status: 200)]) { receivers in
            try await withDelivery(allowLoopback: true, timeout: .seconds(1)) { delivery in
                #expect(await delivery.send(to: receivers[0].url.absoluteString, body: body, signature: "x") == .failed("timed out after 1 s"))
            }
        }
    }
}

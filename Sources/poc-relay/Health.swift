import ArgumentParser
import CommandLineSupport
import Foundation
import RelayClient

/// `poc-relay health`: asks a running relay's `GET /healthz`, for container
/// health checks and monitoring on hosts without curl.
struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask a running relay whether it is healthy (GET /healthz); exit 0 if it answers 200, 1 otherwise.",
        discussion: """
            Examples:
              poc-relay health --url http://127.0.0.1:8080    (behind a reverse proxy)
              poc-relay health --url https://relay.example.org --ca /etc/ssl/ca.pem
            """)

    @Option(help: "The relay's base URL: https://host[:port], or http://127.0.0.1:port for a loopback relay.") var url: String
    @Option(help: "Trust this CA file instead of the system's.") var ca: String?
    @Option(help: "Give up after this long, e.g. 5s.") var timeout: DurationArgument?

    func run() async throws {
        guard let base = URL(string: url) else { throw ValidationError("--url must be a URL such as http://127.0.0.1:8080") }
        let seconds = timeout?.seconds ?? 5
        let client: RelayAPIClient
        do {
            client = try RelayAPIClient(baseURL: base, trust: ca.map { .caFile($0) } ?? .systemStore, requestTimeout: .seconds(seconds))
        } catch {
            throw CLIError("\(error)")
        }
        let healthy: Bool
        do {
            healthy = try await client.health()
        } catch {
            try? await client.shutdown()
            throw CLIError("no answer from \(url)/healthz: \(error)")
        }
        try? await client.shutdown()
        guard healthy else { throw CLIError("\(url)/healthz did not answer 200: the relay's store does not answer") }
        print("ok: \(url)/healthz answered 200")
    }
}

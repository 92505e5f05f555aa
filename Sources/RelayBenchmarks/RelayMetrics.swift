import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// Counters of a `poc-relay serve` child, read from its Prometheus endpoint
/// (`--metrics-port`, plain HTTP on loopback).
struct RelayMetrics {
    /// Each sample's value by metric name, summed over label sets.
    let values: [String: Double]

    /// Disk-synced commits of submitted envelopes.
    var submitCommits: Double { values["relay_submit_commits_total"] ?? 0 }
    /// Envelopes those commits held (accepted, resubmitted or refused).
    var committedEnvelopes: Double { values["relay_submit_committed_envelopes_total"] ?? 0 }

    /// Reads `GET /metrics` on 127.0.0.1:`port`.
    static func scrape(port: Int) async throws -> RelayMetrics {
        let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        guard response.status == .ok else { throw BenchmarkError("GET /metrics answered \(response.status.code)") }
        let text = String(buffer: try await response.body.collect(upTo: 8 << 20))
        return RelayMetrics(values: parse(text))
    }

    /// The samples of a Prometheus text exposition: `name{labels} value` lines; comments skipped.
    static func parse(_ text: String) -> [String: Double] {
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            guard fields.count >= 2, let value = Double(fields[1]) else { continue }
            let name = fields[0].prefix { $0 != "{" }
            values[String(name), default: 0] += value
        }
        return values
    }
}

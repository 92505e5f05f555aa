import Foundation
import RelayProtocol
import RelayStore
import Sodium

/// The relay's own storage path without HTTP: `RelayStore.submit(batch:)`
/// committing batches of envelopes one after the other, as the relay's group
/// commit does under load, on the same disk as the raw SQLite limits.
///
/// It reads between the raw SQLite ceiling (what any schema could do) and the
/// relay's throughput (storage plus HTTPS, JSON and routing): what the
/// relay's schema, checks and indexes cost per envelope.
struct StoreLimit {
    /// Envelopes per commit (about what the relay's group commit gathers under the throughput load).
    let batchSize = 32
    /// Active POCs in the store; each envelope goes to one of them.
    let pocCount = 1000
    let secondsPerRun: Double

    struct Run {
        let envelopesPerSecond: Double
        /// This process's CPU time per envelope (the store's writer and its WAL checkpoints).
        let cpuMicrosecondsPerEnvelope: Double
    }

    /// One run on a fresh store at `path`.
    func run(path: String) async throws -> Run {
        let store = try RelayStore(path: path)
        defer { try? store.close() }
        let now = Date()
        var pocs: [String] = []
        for index in 0..<pocCount {
            let tokenHash = SecureRandom.bytes(count: 32)
            try await store.createInvite(
                tokenHash: tokenHash, state: stateCode(index), role: .technical, expiresAt: now.addingTimeInterval(3600), now: now)
            let record = try await store.redeemInvite(
                tokenHash: tokenHash, now: now,
                newPOC: NewPOC(
                    signingKey: SecureRandom.bytes(count: 32), boxKey: SecureRandom.bytes(count: 32), keyCreatedAt: "2026-12-01T00:00:00Z",
                    keySignature: SecureRandom.bytes(count: 64), entryJSON: #"{"entity":"CERT"}"#))
            pocs.append(record.id)
        }
        let body = SecureRandom.bytes(count: 2048 + 40)
        var sequence = 0
        func batch() -> [NewEnvelope] {
            (0..<batchSize).map { _ in
                sequence += 1
                let sender = pocs[sequence % pocCount], recipient = pocs[(sequence * 7 + 1) % pocCount]
                return NewEnvelope(
                    id: MessageID.random().rawValue, sender: sender, urgency: .routine, exercise: false,
                    commitment: SecureRandom.bytes(count: 32), body: body, envelopeHash: SecureRandom.bytes(count: 32),
                    wrappedKeys: [recipient: SecureRandom.bytes(count: 80)], expiresAt: now.addingTimeInterval(30 * 86_400))
            }
        }
        // Warm up, then time whole commits.
        for _ in 0..<20 { _ = try await store.submit(batch: batch(), now: now) }
        let batches = (0..<Int(max(1, secondsPerRun * 20_000 / Double(batchSize)))).map { _ in batch() }
        let clock = ContinuousClock()
        let cpuBefore = ProcessCPU.ownSeconds()
        let start = clock.now
        var committed = 0
        for next in batches {
            _ = try await store.submit(batch: next, now: now)
            committed += next.count
            if clock.now - start >= .milliseconds(Int64(secondsPerRun * 1000)) { break }
        }
        let elapsed = clock.now - start
        let cpu = ProcessCPU.ownSeconds() - cpuBefore
        return Run(envelopesPerSecond: Double(committed) / elapsed.seconds, cpuMicrosecondsPerEnvelope: cpu * 1e6 / Double(committed))
    }
}

import Foundation
import RelayProtocol
import RelayStore

/// A fixed, whole-second reference time for every scenario.
let t0 = Date(timeIntervalSince1970: 1_795_000_000)

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("RelayStoreTests-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try await body(directory)
}

/// The store file path inside a test directory.
func storePath(in directory: URL, name: String = "relay.sqlite") -> String {
    directory.appendingPathComponent(name).path
}

/// Runs `body` with a store on a real file in a fresh temporary directory;
/// closes the store and removes the directory afterwards.
func withStore(_ body: (RelayStore, URL) async throws -> Void) async throws {
    try await withTemporaryDirectory { directory in
        let store = try RelayStore(path: storePath(in: directory))
        do {
            try await body(store, directory)
        } catch {
            try? store.close()
            throw error
        }
        try store.close()
    }
}

/// `count` random bytes.
func randomBytes(_ count: Int) -> Data {
    Data((0..<count).map { _ in UInt8.random(in: 0...255) })
}

/// Enrols a POC through a fresh invite; returns it.
@discardableResult
func enrol(_ store: RelayStore, state: String, role: Role, now: Date = t0) async throws -> POCRecord {
    let tokenHash = randomBytes(32)
    try await store.createInvite(
        tokenHash: tokenHash, state: state, role: role, expiresAt: now.addingTimeInterval(3600), now: now)
    return try await store.redeemInvite(tokenHash: tokenHash, now: now, newPOC: newPOC())
}

/// Enrolment data with random keys.
func newPOC(entryJSON: String = #"{"entity":"CERT"}"#, signingKey: Data = randomBytes(32)) -> NewPOC {
    NewPOC(
        signingKey: signingKey, boxKey: randomBytes(32), keyCreatedAt: "2026-11-22T10:00:00Z",
        keySignature: randomBytes(64), entryJSON: entryJSON)
}

/// An envelope from `from` to `to`, with a wrapped key per recipient.
func envelope(
    id: String, from: String, to: [String], urgency: Urgency = .routine, exercise: Bool = false,
    body: Data = Data("ciphertext".utf8), hash: Data? = nil, expiresAt: Date = t0.addingTimeInterval(30 * 86_400)
) -> NewEnvelope {
    NewEnvelope(
        id: id, sender: from, urgency: urgency, exercise: exercise, commitment: randomBytes(32), body: body,
        envelopeHash: hash ?? Data("hash-of-\(id)".utf8),
        wrappedKeys: Dictionary(uniqueKeysWithValues: to.map { ($0, Data("key-\(id)-\($0)".utf8)) }),
        expiresAt: expiresAt)
}

/// The bytes of the store's files (main file, WAL, shared memory) that exist.
func storeFileBytes(in directory: URL) throws -> Data {
    var all = Data()
    for suffix in ["", "-wal", "-shm"] {
        let path = storePath(in: directory) + suffix
        if FileManager.default.fileExists(atPath: path) {
            all.append(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }
    return all
}

extension RelayStore {
    /// Reads `recipient`'s inbox as the relay's service does: the waiting
    /// messages of an active recipient in one read, then the first-fetch marks
    /// of those never fetched before.
    /// - Throws: ``InactiveRecipient`` when the recipient is unknown or revoked.
    func fetchInbox(recipient: String, limit: Int, now: Date) async throws -> [InboxItem] {
        guard let waiting = try await activeInbox(recipient: recipient, limit: limit) else { throw InactiveRecipient() }
        try await markFetched([FetchMark(recipient: recipient, messageIDs: waiting.unfetched)], now: now)
        return waiting.items
    }
}

/// ``RelayStore/fetchInbox(recipient:limit:now:)`` for a recipient that is not an active POC.
struct InactiveRecipient: Error {}

public import Foundation
public import Logging
import Metrics
public import RelayProtocol
public import RelayStore
public import Sodium

/// The relay's rules, independent of HTTP: enrolment, login, the directory,
/// routing and storing sealed messages, receipts, pings, audits and the
/// custodian's host operations.
///
/// `RelayServer` exposes it over HTTPS; `poc-relay` calls its host operations
/// directly. It never sees plaintext: it handles envelopes, keys and
/// signatures only, and logs routing metadata at most.
public final class RelayService: Sendable {
    /// The store.
    public let store: RelayStore
    /// The relay's signing key (directory and ping signatures).
    let relayKey: SigningKeyPair
    /// The rules.
    public let configuration: RelayServiceConfiguration
    /// The relay's id: its key's fingerprint without spaces.
    public let relayID: String
    let logger: Logger
    let notifier = InboxNotifier()
    /// The directory as last built (``directoryDocument()``).
    let directoryMemo = DirectoryMemo()
    /// Active callers by session and by id, so the hot path reads no store.
    let callers: CallerCache
    /// Submitted envelopes, committed in groups.
    let batcher: GroupCommit<NewEnvelope, SubmitOutcome>
    /// First-fetch marks of inbox reads, committed in groups.
    let fetchMarks: GroupCommit<FetchMark, Void>
    let clock: @Sendable () -> Date
    /// Stored rows that could not be read (each also logged).
    let unreadableRows = Counter(label: "relay_store_unreadable_rows_total")
    /// Yields after a commit that may have made alert work due (an accepted
    /// message): the alert sender's cue to look at once rather than at its
    /// next timer. One consumer (`AlertSender`); a burst collapses into one.
    public let alertWork: AsyncStream<Void>
    let alertWorkSignal: AsyncStream<Void>.Continuation

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - store: An open store.
    ///   - relayKey: The relay's signing key.
    ///   - configuration: The rules.
    ///   - logger: Where routing events go (never content, keys or tokens).
    ///   - clock: The current time (tests may shift it).
    public init(
        store: RelayStore, relayKey: SigningKeyPair, configuration: RelayServiceConfiguration = .init(),
        logger: Logger = Logger(label: "poc-relay"), clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.relayKey = relayKey
        self.configuration = configuration
        self.relayID = Fingerprint(of: relayKey.publicKey).compact
        self.logger = logger
        self.clock = clock
        self.callers = CallerCache(interval: configuration.directoryRecheckInterval)
        // Each commit of submitted envelopes is one disk sync: envelopes per
        // commit is how far group commit goes beyond one sync per message.
        let commits = Counter(label: "relay_submit_commits_total")
        let committed = Counter(label: "relay_submit_committed_envelopes_total")
        let (alertWork, alertWorkSignal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        self.alertWork = alertWork
        self.alertWorkSignal = alertWorkSignal
        let alertDelays = AlertDelays(waiting: configuration.alertAfter, escalation: configuration.receiptWindows)
        self.batcher = GroupCommit(maxBatch: configuration.maxBatchSize) { batch in
            let outcomes = try await store.submit(batch: batch, now: clock(), alertDelays: alertDelays)
            commits.increment()
            committed.increment(by: batch.count)
            if outcomes.contains(where: { if case .accepted = $0 { true } else { false } }) { alertWorkSignal.yield() }
            return outcomes
        }
        self.fetchMarks = GroupCommit(maxBatch: configuration.maxBatchSize) { marks in
            try await store.markFetched(marks, now: Timestamp(clock()).date)
            return marks.map { _ in () }
        }
    }

    /// The current time in whole seconds.
    public var now: Date { Timestamp(clock()).date }

    /// `GET /v1/relay`.
    public func relayInfo() -> RelayInfo {
        RelayInfo(
            relayID: relayID, signingKey: relayKey.publicKey.rawRepresentation, limits: configuration.limits,
            receiptWindows: Dictionary(uniqueKeysWithValues: configuration.receiptWindows.map { ($0.key.rawValue, $0.value) }))
    }

    /// `GET /healthz`: true when the store answers.
    public func isHealthy() async -> Bool {
        (try? await store.directoryVersion()) != nil
    }

    /// Runs a store call, turning store failures into a 503 without internals.
    /// A stored row this binary cannot read is logged and counted
    /// (`relay_store_unreadable_rows_total`), never skipped.
    func storeCall<T>(_ what: String, _ body: () async throws -> T) async throws(RelayFailure) -> T {
        do {
            return try await body()
        } catch let failure as RelayFailure {
            throw failure
        } catch let error as StoreError where error.code == .unreadableRow {
            throw unreadable(what, error.reason)
        } catch is CancellationError {
            // The task was cancelled (shutdown, a client gone): not a store failure.
            throw .unavailable
        } catch {
            logger.error("store failure", metadata: ["operation": "\(what)", "error": "\(error)"])
            throw .unavailable
        }
    }

    /// Converts what the store holds into its protocol type; a value that does
    /// not convert is an unreadable row: logged, counted, and a 503.
    func readable<T>(_ what: String, _ make: () throws -> T) throws(RelayFailure) -> T {
        do { return try make() } catch { throw unreadable(what, "\(error)") }
    }

    /// The JSON to store for a decoded wire value; a value that cannot be
    /// encoded is a bug, answered 500, never stored as an empty text.
    func encoded(_ value: some Encodable) throws(RelayFailure) -> Data {
        do { return try WireJSON.encode(value) } catch {
            logger.error("cannot encode a value to store", metadata: ["type": "\(type(of: value))"])
            throw .internal
        }
    }

    /// Logs and counts an unreadable stored row; the failure to throw.
    func unreadable(_ what: String, _ reason: String) -> RelayFailure {
        logger.error("unreadable stored row", metadata: ["operation": "\(what)", "reason": "\(reason)"])
        unreadableRows.increment()
        return .unavailable
    }

    /// Clears the caller cache when the store's directory version moved
    /// (another process's change), reading it at most once per interval.
    func recheckCallers() async throws(RelayFailure) {
        guard callers.recheckDue(now: .now) else { return }
        try await recheckDirectory()
    }

    /// Reads the store's directory version; when it moved (a change by
    /// this or another process), clears the caller cache and wakes every long
    /// poll to check its POC again. The relay's directory watch
    /// (`PeriodicJob`) calls it every `directoryRecheckInterval`.
    public func recheckDirectory() async throws(RelayFailure) {
        let version = try await storeCall("directory version") { try await store.directoryVersion() }
        if callers.observe(version: version) { await notifier.notifyEveryone() }
    }

    /// The active callers among `ids`, from the cache and, for the rest, one store read.
    func activeCallers(_ ids: [String]) async throws(RelayFailure) -> [String: Caller] {
        var found: [String: Caller] = [:]
        var missing: [String] = []
        for id in ids {
            if let caller = callers.caller(poc: id) { found[id] = caller } else { missing.append(id) }
        }
        guard !missing.isEmpty else { return found }
        let generation = callers.generation
        let records = try await storeCall("pocs") { try await store.pocs(ids: missing) }
        var read: [Caller] = []
        for record in records.values where record.isActive { read.append(try caller(of: record)) }
        callers.remember(pocs: read, generation: generation)
        for caller in read { found[caller.pocID.rawValue] = caller }
        return found
    }

    /// The wire entry of a stored POC.
    func entry(of record: POCRecord, lastPing: PingRecord?) throws(RelayFailure) -> DirectoryEntry {
        try readable("entry of \(record.id)") {
            let details = try WireJSON.decode(EntryDetails.self, from: Data(record.entryJSON.utf8))
            let certificate = KeyCertificate(
                boxKey: try BoxPublicKey(rawRepresentation: record.boxKey),
                createdAt: try Timestamp(parsing: record.keyCreatedAt),
                signature: Base64Bytes(record.keySignature))
            return DirectoryEntry(
                pocID: try POCID(record.id), state: try StateCode(record.state), role: record.role,
                details: details, signingKey: try SigningPublicKey(rawRepresentation: record.signingKey),
                keyCertificate: certificate, status: record.status,
                updatedAt: Timestamp(record.updatedAt),
                lastPing: lastPing.map(self.lastPing))
        }
    }

    /// A POC's last ping as its directory entry shows it, as of now.
    func lastPing(_ ping: PingRecord) -> LastPing {
        LastPing(status: PingStatus(deadline: ping.deadline, answeredAt: ping.answeredAt, now: now), at: Timestamp(ping.answeredAt ?? ping.issuedAt))
    }

    /// The caller view of a stored active POC.
    /// - Throws: 503 (logged and counted) when its id, state or key is unreadable.
    func caller(of record: POCRecord) throws(RelayFailure) -> Caller {
        try readable("caller \(record.id)") {
            Caller(
                pocID: try POCID(record.id), state: try StateCode(record.state), role: record.role,
                signingKey: try SigningPublicKey(rawRepresentation: record.signingKey))
        }
    }

    /// A fresh random token and its SHA-256 hash (what the store keeps).
    static func newToken() -> (token: String, hash: Data) {
        let token = SecureRandom.bytes(count: 32).lowercaseHex
        return (token, hash(token: token))
    }

    /// The hash under which a token is stored.
    static func hash(token: String) -> Data { SHA256.hash(Data(token.utf8)) }
}

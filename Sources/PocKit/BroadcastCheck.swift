public import RelayProtocol

/// The rule that stops a forgotten `--state` from writing to the world: a
/// message reaching more than one state, or more than ten POCs, goes only
/// after the sender has seen who and how many and confirmed.
///
/// Every interface (the CLI, a future web page) asks the same question with
/// the same figures: build the check from the recipients, and when
/// ``requiresConfirmation`` holds, show ``summary`` and ask, default no.
///
/// ```swift
/// let check = try await client.broadcastCheck(recipients)
/// if check.requiresConfirmation && !confirmed { throw check.refusal(hint: "add --yes") }
/// ```
public struct BroadcastCheck: Sendable, Equatable {
    /// Above this many POCs a send needs confirmation.
    public static let maximumUnconfirmedPOCs = 10
    /// Above this many states a send needs confirmation.
    public static let maximumUnconfirmedStates = 1

    /// The recipients, in the order given.
    public let recipients: [POCID]
    /// The recipients by state, states sorted.
    public let byState: [(state: StateCode, pocs: [POCID])]

    /// Groups `recipients` by state; `stateOf` names a recipient's state
    /// (from the directory or the pins), and a recipient it does not know
    /// counts under the state its id starts with.
    public init(recipients: [POCID], stateOf: (POCID) -> StateCode?) {
        var seen = Set<POCID>()
        self.recipients = recipients.filter { seen.insert($0).inserted }
        var groups: [StateCode: [POCID]] = [:]
        for id in self.recipients {
            guard let state = stateOf(id) ?? Self.statePrefix(of: id) else { continue }
            groups[state, default: []].append(id)
        }
        byState = groups.keys.sorted().map { ($0, groups[$0]!.sorted()) }
    }

    /// How many POCs the message reaches.
    public var pocCount: Int { recipients.count }
    /// How many states the message reaches.
    public var stateCount: Int { byState.count }

    /// Whether the sender must confirm before the message goes.
    public var requiresConfirmation: Bool {
        pocCount > Self.maximumUnconfirmedPOCs || stateCount > Self.maximumUnconfirmedStates
    }

    /// "57 POCs in 31 states" (or "1 POC in 1 state").
    public var count: String {
        "\(pocCount) POC\(pocCount == 1 ? "" : "s") in \(stateCount) state\(stateCount == 1 ? "" : "s")"
    }

    /// One line per state: `DEU (3): DEU-TEC-1, DEU-TEC-2, DEU-TEC-3`.
    public var summary: [String] {
        byState.map { "\($0.state) (\($0.pocs.count)): \($0.pocs.map(\.rawValue).joined(separator: ", "))" }
    }

    /// The usage error (64) for a send that needs confirmation and has none.
    public func refusal(hint: String) -> PocError {
        PocError("this message would go to \(count)", hint: hint, status: .usage)
    }

    /// The state code a POC id starts with (`DEU` of `DEU-TEC-1`).
    static func statePrefix(of id: POCID) -> StateCode? {
        guard let dash = id.rawValue.firstIndex(of: "-") else { return nil }
        return try? StateCode(String(id.rawValue[..<dash]))
    }

    public static func == (lhs: BroadcastCheck, rhs: BroadcastCheck) -> Bool {
        lhs.recipients == rhs.recipients && lhs.summary == rhs.summary
    }
}

extension PocClient {
    /// The broadcast check for `recipients`, their states from the verified
    /// directory, or from the pins when the relay is unreachable.
    public func broadcastCheck(_ recipients: [POCID]) async throws(PocError) -> BroadcastCheck {
        var states: [POCID: StateCode] = [:]
        do {
            let directory = try await verifiedDirectory()
            for id in recipients { if let entry = directory.entry(id) { states[id] = entry.state } }
        } catch let error where error.status == .unavailable {
            for id in recipients { if let state = try record.get(.pin, id: id.rawValue, as: Pin.self)?.state { states[id] = state } }
        }
        return BroadcastCheck(recipients: recipients, stateOf: { states[$0] })
    }
}

public import RelayProtocol

/// One party's signed answer to a consent request.
public struct ConsentAnswer: Sendable {
    /// Who answered.
    public let party: POCID
    /// Grant or denial.
    public let granted: Bool
    /// The time the party signed (`sent_at` of its reply).
    public let signedAt: Timestamp
    /// When this POC recorded it.
    public let recordedAt: Timestamp
    /// The signed reply, as carried in a forward.
    public let signed: Base64Bytes

    /// Creates an answer.
    public init(party: POCID, granted: Bool, signedAt: Timestamp, recordedAt: Timestamp, signed: Base64Bytes) {
        self.party = party
        self.granted = granted
        self.signedAt = signedAt
        self.recordedAt = recordedAt
        self.signed = signed
    }
}

/// The rules of sharing a message with a third party (R12), in one place for
/// every interface:
///
/// - each party's **latest** signed answer counts: a later denial withdraws an
///   earlier grant, and a later grant lifts an earlier denial. Latest by the
///   signed time, then by arrival; an answer signed and received in the same
///   second as another of the same party counts as a denial when either is one;
/// - the sender's `consent_to_share` spares the consents, except for TLP:RED
///   and TLP:AMBER+STRICT, which are never forwarded without every party's
///   consent.
public enum ConsentRule {
    /// Whether a message with this label needs every party's consent even when
    /// its sender consented to sharing.
    public static func needsEveryConsent(_ tlp: TLPLabel?) -> Bool {
        tlp == .red || tlp == .amberStrict
    }

    /// Whether forwarding the message needs the other parties' consents.
    public static func needsConsents(_ message: InnerMessage) -> Bool {
        !message.consentToShare || needsEveryConsent(message.tlp)
    }

    /// The answer that counts for each party: its latest.
    public static func latest(_ answers: [ConsentAnswer]) -> [POCID: ConsentAnswer] {
        var current: [POCID: ConsentAnswer] = [:]
        for answer in answers {
            guard let held = current[answer.party] else {
                current[answer.party] = answer
                continue
            }
            if (answer.signedAt, answer.recordedAt) > (held.signedAt, held.recordedAt) {
                current[answer.party] = answer
            } else if (answer.signedAt, answer.recordedAt) == (held.signedAt, held.recordedAt), !answer.granted {
                current[answer.party] = answer
            }
        }
        return current
    }

    /// What stops a forward to a third party, given the parties whose consent
    /// is needed and their answers; `nil` when every one of them consented.
    public static func obstacle(
        parties: [POCID], answers: [ConsentAnswer], message id: MessageID, thirdParty: POCID
    ) -> PocError? {
        let current = latest(answers)
        let denied = parties.compactMap { current[$0] }.filter { !$0.granted }
        if let first = denied.first {
            let withdrew = answers.contains { $0.party == first.party && $0.granted && $0.signedAt <= first.signedAt }
            let others = denied.dropFirst().map(\.party.rawValue)
            return PocError(
                "\(first.party) \(withdrew ? "withdrew" : "denied") consent at \(first.signedAt)"
                    + (others.isEmpty ? "" : " (and \(others.joined(separator: ", ")) denied too)")
                    + ": \(id) is not forwarded to \(thirdParty)",
                hint: "a new grant from \(first.party) would lift it: ask with `poc consent request \(id) --third-party \(thirdParty) --reason ...`",
                status: .usage)
        }
        let missing = parties.filter { current[$0] == nil }
        guard missing.isEmpty else {
            return PocError(
                "cannot forward \(id) to \(thirdParty): consent to share is missing from \(missing.map(\.rawValue).joined(separator: ", "))",
                hint: "ask with `poc consent request \(id) --third-party \(thirdParty) --reason ...`", status: .usage)
        }
        return nil
    }
}

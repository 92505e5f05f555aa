import Foundation
import RelayClient
public import RelayProtocol
public import Sodium

/// What the client concluded about a correspondent's keys.
public enum PinVerdict: Sendable, Equatable {
    /// First sight: pinned now (trust on first use).
    case pinnedNow
    /// As pinned.
    case unchanged
    /// A new encryption key, certified by the pinned identity key: accepted.
    case boxKeyRotated
    /// A different identity key than the pinned one: refuse until `poc trust`.
    case identityChanged(pinned: Fingerprint, shown: Fingerprint)
}

/// How far this POC trusts a correspondent's identity key: what `poc
/// directory` shows per entry and `--format json` carries as `trust`.
public enum TrustLevel: String, Sendable, Codable, Equatable {
    /// The fingerprint was checked out of band (`poc trust`), or it is this POC's own key.
    case verified
    /// Pinned on first use only: nobody compared the fingerprint yet.
    case pinned
    /// The relay shows another identity key than the pinned one: refused until `poc trust`.
    case changed

    /// The rule: a changed identity key is `changed` whatever the pin said;
    /// otherwise `verified` once the pin was confirmed out of band, else `pinned`.
    /// - Parameters:
    ///   - verdict: What comparing the entry with its pin found.
    ///   - pin: The pin after that comparison (`nil` if none).
    public static func of(verdict: PinVerdict, pin: Pin?) -> TrustLevel {
        if case .identityChanged = verdict { return .changed }
        return pin?.verified == true ? .verified : .pinned
    }

    /// The words for a listing.
    public var text: String {
        switch self {
        case .verified: "verified (fingerprint checked)"
        case .pinned: "pinned on first use (not checked)"
        case .changed: "CHANGED: refused"
        }
    }
}

/// A directory whose relay signature and key certificates were checked.
public struct VerifiedDirectory: Sendable {
    public let version: Int
    public let entries: [DirectoryEntry]
    /// The pin verdict for each active entry.
    public let verdicts: [POCID: PinVerdict]
    /// The trust level of each active entry (see ``TrustLevel/of(verdict:pin:)``).
    public let trust: [POCID: TrustLevel]

    /// The active entry of `id`.
    public func entry(_ id: POCID) -> DirectoryEntry? { entries.first { $0.pocID == id && $0.status == .active } }
}

extension PocClient {
    /// Fetches the directory, checks the relay's signature against the pinned
    /// relay key and every key certificate, and applies the key pins.
    ///
    /// Signatures verified once are not verified again for the same bytes
    /// (``DirectoryCheck``), and the pins are read from the record once per
    /// change of the record (``Record/memo(_:_:)``): a page that shows trust
    /// costs the fetch, not 1,001 signatures and 2,000 record reads.
    /// - Throws: 65 when a signature does not verify.
    public func verifiedDirectory() async throws(PocError) -> VerifiedDirectory {
        let directory = try await relay { try await session.directory() }
        let relayKey = try profile.relayKey
        guard DirectoryCheck.isSigned(directory, by: relayKey) else {
            throw PocError(
                "the directory is not signed by the pinned relay key", hint: "someone may be impersonating the relay; tell the custodian",
                status: .dataError)
        }
        let pins = try pinnedKeys()
        var verdicts: [POCID: PinVerdict] = [:]
        var trust: [POCID: TrustLevel] = [:]
        for entry in directory.entries where entry.status == .active {
            guard DirectoryCheck.hasValidKeyCertificate(entry) else {
                throw PocError("the key certificate of \(entry.pocID) does not verify", status: .dataError)
            }
            let (verdict, pin) = try applyPin(entry, pinned: pins[entry.pocID])
            verdicts[entry.pocID] = verdict
            trust[entry.pocID] = TrustLevel.of(verdict: verdict, pin: pin)
        }
        return VerifiedDirectory(version: directory.version, entries: directory.entries, verdicts: verdicts, trust: trust)
    }

    /// Every pin in the record by POC, read again only after the record changed.
    func pinnedKeys() throws(PocError) -> [POCID: Pin] {
        try record.memo("pins") { () throws(PocError) -> [POCID: Pin] in
            var pins: [POCID: Pin] = [:]
            for pin in try record.all(.pin, as: Pin.self) { pins[pin.pocID] = pin }
            return pins
        }
    }

    /// Compares an entry with its pin, pinning on first use and accepting a
    /// certified rotation of the encryption key.
    /// - Returns: The verdict and the pin after it.
    func applyPin(_ entry: DirectoryEntry, pinned: Pin?) throws(PocError) -> (PinVerdict, Pin) {
        let now = Timestamp.now()
        guard let pin = pinned else {
            let pin = Pin(entry: entry, at: now, verified: entry.pocID == me)
            try record.put(.pin, id: entry.pocID.rawValue, at: now, pin)
            return (.pinnedNow, pin)
        }
        guard pin.signingKey.data == entry.signingKey.rawRepresentation else {
            let pinnedPrint = (try? SigningPublicKey(rawRepresentation: pin.signingKey.data)).map(Fingerprint.init(of:))
            return (.identityChanged(pinned: pinnedPrint ?? entry.fingerprint, shown: entry.fingerprint), pin)
        }
        if pin.boxKey.data != entry.keyCertificate.boxKey.rawRepresentation {
            // The certificate is signed by the pinned identity key (checked by the caller).
            var updated = Pin(entry: entry, at: now, verified: pin.verified)
            updated.pinnedAt = pin.pinnedAt
            try record.put(.pin, id: entry.pocID.rawValue, at: pin.pinnedAt, updated)
            return (.boxKeyRotated, updated)
        }
        return (.unchanged, pin)
    }

    /// Replaces a pin after the user checked the fingerprint out of band.
    /// - Throws: when the relay shows another fingerprint than the one given.
    public func trust(_ id: POCID, fingerprint: String) async throws(PocError) -> DirectoryEntry {
        let digits = fingerprint.filter { !$0.isWhitespace }
        guard digits.count == 32, digits.allSatisfy(\.isHexDigit) else {
            throw PocError.usage(
                "'\(fingerprint)' is not a fingerprint", hint: "a fingerprint is 32 hexadecimal digits in 8 groups of 4, as `poc whoami` shows it")
        }
        let directory = try await verifiedDirectory()
        guard let entry = directory.entry(id) else {
            throw PocError("\(id) is not an active POC in the directory", hint: "see `poc directory` for the ids", status: .usage)
        }
        guard entry.fingerprint.matches(fingerprint) else {
            throw PocError(
                "the relay shows \(entry.fingerprint.grouped) for \(id), not \(fingerprint)",
                hint: "do not trust this key; check with the POC again", status: .dataError)
        }
        try record.put(.pin, id: id.rawValue, at: .now(), Pin(entry: entry, at: .now(), verified: true))
        return entry
    }

    /// The encryption keys of `ids`, refusing any whose identity changed or that is not active.
    public func recipientKeys(_ ids: [POCID], in directory: VerifiedDirectory) throws(PocError) -> [POCID: BoxPublicKey] {
        var keys: [POCID: BoxPublicKey] = [:]
        for id in ids {
            guard let entry = directory.entry(id) else {
                throw PocError("\(id) is not an active POC in the directory", hint: "see `poc directory`", status: .usage)
            }
            if case .identityChanged(let pinned, let shown) = directory.verdicts[id] {
                throw PocError(
                    "WARNING: the relay now shows a DIFFERENT identity key for \(id) (\(shown.grouped)) than the one pinned (\(pinned.grouped)); refusing to encrypt to it",
                    hint: "check the fingerprint with \(id) by phone or in person, then run `poc trust \(id) --fingerprint \"...\"`",
                    status: .dataError)
            }
            keys[id] = entry.keyCertificate.boxKey
        }
        return keys
    }

    /// The identity key of `id` for verifying its signatures: the pinned one.
    /// - Throws: 65 if the relay shows another identity key than the pin.
    public func verificationKey(of id: POCID, in directory: VerifiedDirectory) throws(PocError) -> SigningPublicKey {
        if case .identityChanged(let pinned, let shown) = directory.verdicts[id] {
            throw PocError(
                "the identity key of \(id) changed (pinned \(pinned.grouped), shown \(shown.grouped)); not verifying with it",
                hint: "run `poc trust \(id) --fingerprint ...` after checking out of band", status: .dataError)
        }
        if let pin = try pinnedKeys()[id], let key = try? SigningPublicKey(rawRepresentation: pin.signingKey.data) {
            return key
        }
        guard let entry = directory.entries.first(where: { $0.pocID == id }) else {
            throw PocError("\(id) is not in the directory; cannot verify its signature", status: .dataError)
        }
        return entry.signingKey
    }
}

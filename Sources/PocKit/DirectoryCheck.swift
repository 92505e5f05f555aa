import Foundation
import RelayProtocol
import Sodium
import Synchronization

/// The signature checks of a fetched directory, remembered for the process:
/// the relay's signature over the key lines and each entry's key certificate.
///
/// Each check is a pure function of the bytes it covers, so a check that
/// passed once passes again for the same bytes: a directory whose version,
/// signature and key lines equal those of one verified before needs no
/// signature verified, and an entry whose identity key and certificate were
/// verified before needs none either. What changes between two fetches of a
/// 1,000-entry directory is mostly its last-ping times, which no signature
/// covers; the web interface then verifies none of 1,001 signatures again
/// instead of all of them on every page. Anything new is verified in full.
enum DirectoryCheck {
    /// A directory signature that verified: the relay key, version, signature and lines it covered.
    private struct SignedLines: Equatable {
        let relayKey: Data
        let version: Int
        let signature: Data
        let lines: [DirectorySignature.Line]
    }

    /// A key certificate that verified under an identity key.
    private struct CertifiedKey: Hashable {
        let signingKey: SigningPublicKey
        let certificate: KeyCertificate
    }

    /// The directory signatures that verified lately (a few relays at most).
    private static let signedLines = Mutex<[SignedLines]>([])
    /// Certificates that verified; emptied when it passes ``maxCertificates``.
    private static let certifiedKeys = Mutex<Set<CertifiedKey>>([])
    private static let maxCertificates = 50_000

    /// True when `relayKey` signed `directory` (checked once per distinct key lines).
    static func isSigned(_ directory: Directory, by relayKey: SigningPublicKey) -> Bool {
        let signed = SignedLines(
            relayKey: relayKey.rawRepresentation, version: directory.version, signature: directory.signature.data,
            lines: DirectorySignature.lines(of: directory.entries))
        if signedLines.withLock({ $0.contains(signed) }) { return true }
        guard DirectorySignature.isValid(directory.signature.data, version: directory.version, lines: signed.lines, relayKey: relayKey) else {
            return false
        }
        signedLines.withLock { kept in
            kept.removeAll { $0.relayKey == signed.relayKey }
            kept.append(signed)
            if kept.count > 4 { kept.removeFirst(kept.count - 4) }
        }
        return true
    }

    /// True when the entry's identity key signed its key certificate (checked once per key and certificate).
    static func hasValidKeyCertificate(_ entry: DirectoryEntry) -> Bool {
        let certified = CertifiedKey(signingKey: entry.signingKey, certificate: entry.keyCertificate)
        if certifiedKeys.withLock({ $0.contains(certified) }) { return true }
        guard entry.hasValidKeyCertificate else { return false }
        certifiedKeys.withLock { kept in
            if kept.count >= maxCertificates { kept.removeAll(keepingCapacity: true) }
            kept.insert(certified)
        }
        return true
    }
}

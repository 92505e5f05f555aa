import Foundation
import RelayProtocol
import Synchronization

/// The verified directories fetched lately, by home and POC: verifying every
/// entry's key certificate and pin of a 1,000-entry directory takes long
/// enough to show on a page, and a page that only lists the directory (the
/// compose form's states and search) can use one a few seconds old.
/// Sending never does: ``PocClient/send(_:)`` verifies afresh.
private let recentDirectories = Mutex<[String: (at: ContinuousClock.Instant, directory: VerifiedDirectory)]>([:])

extension PocClient {
    /// The verified directory, reused if this home verified one less than
    /// `maxAge` ago, else fetched and verified now (``verifiedDirectory()``).
    /// For listing only: keys for sealing come from ``verifiedDirectory()``.
    /// - Throws: what ``verifiedDirectory()`` throws.
    public func recentVerifiedDirectory(maxAge: Duration = .seconds(30)) async throws(PocError) -> VerifiedDirectory {
        let key = "\(home.path)\u{0}\(me.rawValue)"
        let now = ContinuousClock.now
        if let recent = recentDirectories.withLock({ $0[key] }), now - recent.at < maxAge { return recent.directory }
        let directory = try await verifiedDirectory()
        recentDirectories.withLock { $0[key] = (now, directory) }
        return directory
    }

    /// Forgets the directory ``recentVerifiedDirectory(maxAge:)`` keeps for this home
    /// (after a change of trust, say).
    public func forgetRecentDirectory() {
        let key = "\(home.path)\u{0}\(me.rawValue)"
        _ = recentDirectories.withLock { $0.removeValue(forKey: key) }
    }
}

import Foundation
import RelayProtocol
import Synchronization

/// The last directory a ``RelayAPIClient`` fetched, with the relay's entity
/// tag for it: the next `GET /v1/directory` sends `If-None-Match`, and a `304`
/// answer means this one is still current, so 1,000 entries are not sent and
/// decoded again. What the relay sent is kept as sent; whoever uses it checks
/// its signatures as for any fetched directory.
final class KeptDirectory: Sendable {
    private let kept = Mutex<(entityTag: String, directory: Directory)?>(nil)

    /// The tag and directory kept, if any.
    var current: (entityTag: String, directory: Directory)? { kept.withLock { $0 } }

    /// Keeps `directory`, fetched with `entityTag`.
    func keep(_ directory: Directory, entityTag: String) { kept.withLock { $0 = (entityTag, directory) } }

    /// Forgets it (after an answer that did not carry a tag).
    func forget() { kept.withLock { $0 = nil } }
}

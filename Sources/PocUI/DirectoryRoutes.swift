import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of the directory: search, entries, grouped fingerprints, the verify flow.
struct DirectoryRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
    }
}

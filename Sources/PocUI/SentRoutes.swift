import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of sent: per message and recipient, fetched and receipted.
struct SentRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
    }
}

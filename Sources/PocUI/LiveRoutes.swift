import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of live updates: server-sent events from the relay's long poll.
struct LiveRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
    }
}

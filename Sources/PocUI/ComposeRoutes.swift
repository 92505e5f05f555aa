import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of compose: message, notice or RFI, recipients, the broadcast confirmation, the outbox.
struct ComposeRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
    }
}

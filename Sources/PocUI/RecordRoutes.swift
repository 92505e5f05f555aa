import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of the record: search and the exports of poc log export.
struct RecordRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
    }
}

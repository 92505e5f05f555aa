import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of the custodian's dashboard: ping compliance and delivery, with server-rendered charts.
struct DashboardRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
    }
}

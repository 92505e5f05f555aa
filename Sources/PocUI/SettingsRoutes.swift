import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of settings: alert channels, language, unlock time.
struct SettingsRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
    }
}

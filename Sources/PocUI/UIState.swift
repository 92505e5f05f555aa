import Foundation
import PocKit
import Synchronization

/// What every route and guard of one `poc ui` run shares.
final class UIState: Sendable {
    let sessions = UISessions()
    let vault: KeyVault
    let renderer: PageRenderer
    let staticFiles: [String: UIResources.StaticFile]
    private let port = Mutex<Int?>(nil)

    init(vault: KeyVault, resources: UIResources) throws(PocError) {
        self.vault = vault
        self.renderer = try PageRenderer(resources: resources)
        self.staticFiles = resources.staticFiles
    }

    /// The port, once the server listens (the Host guard refuses everything before).
    var boundPort: Int? { port.withLock { $0 } }

    func bound(to port: Int) { self.port.withLock { $0 = port } }

    /// The `Host` values this server answers to: `127.0.0.1:PORT` and `localhost:PORT`.
    func isOwnHost(_ host: String) -> Bool {
        guard let port = boundPort else { return false }
        return host == "127.0.0.1:\(port)" || host == "localhost:\(port)"
    }

    /// The origins this server's own pages send (`Origin` on a POST).
    func isOwnOrigin(_ origin: String) -> Bool {
        guard let port = boundPort else { return false }
        return origin == "http://127.0.0.1:\(port)" || origin == "http://localhost:\(port)"
    }
}

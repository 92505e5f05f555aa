import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of sent: per message and recipient, fetched and receipted,
/// with each receipt's signature checked (``SentPage``). GET only: the
/// filter and the pages are links.
struct SentRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
        router.get("/sent") { request, context in
            guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
            return await SentPage(state: state, client: client).render(request, context)
        }
    }
}

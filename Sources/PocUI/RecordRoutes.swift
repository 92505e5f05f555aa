import Foundation
import HTTPTypes
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of the record: search and the exports of poc log export.
/// Both are GET and change nothing; an export is a download
/// (`Content-Disposition: attachment`) of the current search, written by
/// PocKit's ``RecordExport`` as `poc log export` writes it.
struct RecordRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
        router.get("/record") { request, context in
            guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
            return RecordPage(state: state, client: client).render(request, context, search: RecordPage.Search(PageQuery(request)))
        }
        router.get("/record/export") { request, context in
            guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
            return export(request, context, client: client)
        }
    }

    private func export(_ request: Request, _ context: UIRequestContext, client: PocClient) -> Response {
        let t = state.renderer.catalogs[context.language]
        let query = PageQuery(request)
        let search = RecordPage.Search(query)
        let page = RecordPage(state: state, client: client)
        guard let format = query["format"].flatMap(RecordExport.Format.init(rawValue:)) else {
            return page.render(request, context, search: search, error: t["record.bad_format"])
        }
        guard case .success(let filter) = search.filter() else { return page.render(request, context, search: search) }
        let text: String
        do {
            text = try RecordExport.render(try client.logLines(filter), format: format, me: client.me)
        } catch {
            return page.render(request, context, search: search, error: "\(t["record.failed"]) \(error.message)")
        }
        let name = RecordExport.fileName(me: client.me, format: format)
        return Response(
            status: .ok,
            headers: [
                .contentType: format.mediaType, .contentDisposition: "attachment; filename=\"\(name)\"", .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

import Foundation
import Hummingbird
import PocKit
import RelayProtocol

/// The routes of the custodian's dashboard: ping compliance and delivery, with
/// server-rendered charts, and the CSV exports. Every route only reads (GET);
/// a POC that is not a custodian gets a 403 page in its language.
struct DashboardRoutes {
    let state: UIState

    func add(to router: Router<UIRequestContext>) {
        router.get("/dashboard") { request, context in
            try await withReport(request, context) { report, client in
                let t = state.renderer.catalogs[context.language]
                let exercise = request.uri.queryParameters["traffic"] == "exercise"
                let data = DashboardPage(report: report, catalog: t, exercise: exercise).data()
                let frame = PageRenderer.Frame.signedIn(
                    t["dashboard.title"], context: context, client: client, path: request.uri.path, current: "dashboard")
                return state.renderer.page("dashboard", data: data, frame: frame, language: context.language)
            }
        }
        router.get("/dashboard/follow-up.csv") { request, context in
            try await withReport(request, context) { report, _ in Self.csv(report.followUpCSV(), name: "follow-up", at: report.fetchedAt) }
        }
        router.get("/dashboard/compliance.csv") { request, context in
            try await withReport(request, context) { report, _ in Self.csv(report.complianceCSV(), name: "compliance", at: report.fetchedAt) }
        }
    }

    /// A CSV download: `text/csv`, saved as `poc-relay-NAME-YYYYMMDD.csv`.
    static func csv(_ text: String, name: String, at time: Timestamp) -> Response {
        let day = time.description.prefix(10).filter(\.isNumber)
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"poc-relay-\(name)-\(day).csv\"",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Runs `body` with the custodian's report: to the unlock page with the keys
    /// closed, a 403 page for a POC that is not a custodian, a 503 page when the
    /// relay does not answer.
    private func withReport(
        _ request: Request, _ context: UIRequestContext, _ body: (AuditReport, PocClient) async throws -> Response
    ) async throws -> Response {
        guard let client = await state.vault.unlockedClient() else { return UIRoutes.redirect("/unlock") }
        let t = state.renderer.catalogs[context.language]
        let frame = PageRenderer.Frame.signedIn(t["dashboard.title"], context: context, client: client, path: request.uri.path, current: nil)
        guard client.role == .custodian else {
            return state.renderer.notice(
                heading: t["dashboard.forbidden.title"],
                body: t.format("dashboard.forbidden.body", ["role": t["dashboard.role.\(client.role.rawValue)"]]),
                backLink: true, frame: frame, language: context.language, status: .forbidden)
        }
        let report: AuditReport
        do { report = try await client.auditReport() } catch {
            return state.renderer.notice(
                heading: t["error.relay.title"], body: t["dashboard.relay"], detail: error.message, backLink: true, frame: frame,
                language: context.language, status: .serviceUnavailable)
        }
        return try await body(report, client)
    }
}

import Foundation
import Hummingbird
import Mustache
import PocKit
import RelayProtocol

/// Renders pages: a template's content inside the layout, with the strings of
/// the request's language. Mustache escapes every `{{value}}` for HTML; the only
/// unescaped slot is the layout's `{{{content}}}`, which is our own rendered template.
struct PageRenderer: Sendable {
    private let library: MustacheLibrary
    let catalogs: Catalogs
    /// The stylesheets and scripts every page links, in name order (`ui.css` and
    /// `ui.js` first): each page's own file sits beside them under `/static/`.
    private let styles: [String]
    private let scripts: [String]

    init(resources: UIResources) throws(PocError) {
        var library = MustacheLibrary()
        for (name, text) in resources.templates {
            do { try library.register(text, named: name) } catch {
                throw PocError("the web interface's template \(name) does not parse: \(error)")
            }
        }
        for required in Self.requiredTemplates where library.getTemplate(named: required) == nil {
            throw PocError("the web interface's template \(required) is missing")
        }
        self.library = library
        self.catalogs = resources.catalogs
        func linked(_ suffix: String, first: String) -> [String] {
            let names = resources.staticFiles.keys.filter { $0.hasSuffix(suffix) && $0 != first }.sorted()
            return resources.staticFiles[first] == nil ? names : [first] + names
        }
        self.styles = linked(".css", first: "ui.css")
        self.scripts = linked(".js", first: "ui.js")
    }

    /// What the layout shows around a page.
    struct Frame {
        var title: String
        var session: UISession?
        var pocID: String?
        var path: String
        var current: String?
        /// Whether the signed-in POC is a custodian (the dashboard is in the menu).
        var custodian = false

        /// The frame of a page shown with the keys open: the POC's id in the
        /// header, and the dashboard in the menu for a custodian.
        static func signedIn(
            _ title: String, context: UIRequestContext, client: PocClient, path: String, current: String?
        ) -> Frame {
            Frame(
                title: title, session: context.session, pocID: client.me.rawValue, path: path, current: current,
                custodian: client.role == .custodian)
        }
    }

    /// The templates every page needs; the server refuses to start without one.
    static let requiredTemplates = [
        "layout", "notice", "unlock", "inbox", "message", "compose", "compose-confirm", "sent", "record", "directory",
        "directory-entry", "settings", "dashboard",
    ]

    /// A full HTML page.
    func page(
        _ template: String, data: [String: Any], frame: Frame, language: UILanguage, status: HTTPResponse.Status = .ok
    )
        -> Response
    {
        let catalog = catalogs[language]
        let strings = catalog.nested()
        var values = data
        values["t"] = strings
        let content = library.render(values, withTemplate: template) ?? ""
        var layout: [String: Any] = [
            "lang": language.rawValue, "dir": language.direction, "t": strings, "title": frame.title, "content": content,
            "path": frame.path, "signedIn": frame.session != nil,
            "languages": UILanguage.allCases.map { ["code": $0.rawValue, "name": $0.nativeName, "selected": $0 == language] },
        ]
        if let session = frame.session { layout["csrf"] = session.csrf.text }
        if let pocID = frame.pocID { layout["pocID"] = pocID }
        if let current = frame.current { layout["nav"] = [current: true] }
        layout["custodian"] = frame.custodian
        layout["styles"] = styles
        layout["scripts"] = scripts
        let html = library.render(layout, withTemplate: "layout") ?? ""
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A page with a heading and a paragraph (errors, the login notice, "not yet").
    func notice(
        heading: String, body: String, detail: String? = nil, command: String? = nil, backLink: Bool = false, frame: Frame,
        language: UILanguage, status: HTTPResponse.Status
    ) -> Response {
        var data: [String: Any] = ["heading": heading, "body": body, "backLink": backLink]
        if let detail { data["detail"] = detail }
        if let command { data["command"] = command }
        return page("notice", data: data, frame: frame, language: language, status: status)
    }
}

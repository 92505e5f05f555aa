import Foundation
public import PocKit

/// The interface's files (templates, styles, scripts, catalogs), read once at
/// start from the target's resource bundle and served from memory.
public struct UIResources: Sendable {
    /// Mustache templates by name (`inbox` for `templates/inbox.mustache`).
    let templates: [String: String]
    /// Files served under `/static/`, by name.
    let staticFiles: [String: StaticFile]
    /// One catalog per language, complete or not (see ``Catalogs``).
    public let catalogs: Catalogs

    /// A file under `/static/` with its content type.
    struct StaticFile: Sendable {
        let bytes: [UInt8]
        let contentType: String
    }

    /// The bundle's name beside the executable (SwiftPM names it PACKAGE_TARGET).
    static let bundleName = "poc-relay_PocUI.resources"

    /// Reads the files from the resource bundle beside the running executable.
    /// - Throws: a ``PocError`` (69) when the bundle is missing (a `poc` copied without it).
    public static func load() throws(PocError) -> UIResources {
        guard let folder = locate() else {
            let beside = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")).map {
                " (\(URL(fileURLWithPath: $0).deletingLastPathComponent().path))"
            }
            throw PocError(
                "the web interface's files (the folder \(bundleName)) are not beside the poc executable\(beside ?? "")",
                hint: "install poc with deploy/install-poc, which copies that folder from the build beside it",
                status: .unavailable)
        }
        return try load(from: folder)
    }

    /// Reads the files from a `Resources` folder.
    static func load(from folder: URL) throws(PocError) -> UIResources {
        func files(_ subfolder: String) throws(PocError) -> [(name: String, data: Data)] {
            let url = folder.appendingPathComponent(subfolder)
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else {
                throw PocError("the web interface's folder \(subfolder) is missing from \(folder.path)")
            }
            var result: [(name: String, data: Data)] = []
            for name in names.sorted() where !name.hasPrefix(".") {
                guard let data = FileManager.default.contents(atPath: url.appendingPathComponent(name).path) else {
                    throw PocError("cannot read the web interface's file \(subfolder)/\(name)")
                }
                result.append((name, data))
            }
            return result
        }
        var templates: [String: String] = [:]
        for file in try files("templates") where file.name.hasSuffix(".mustache") {
            templates[String(file.name.dropLast(".mustache".count))] = String(decoding: file.data, as: UTF8.self)
        }
        var staticFiles: [String: StaticFile] = [:]
        for file in try files("static") {
            guard let type = contentType(of: file.name) else { continue }
            staticFiles[file.name] = StaticFile(bytes: Array(file.data), contentType: type)
        }
        var tables: [UILanguage: [String: String]] = [:]
        for language in UILanguage.allCases {
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("catalogs/\(language.rawValue)").path) else { continue }
            var table: [String: String] = [:]
            for file in try files("catalogs/\(language.rawValue)") where file.name.hasSuffix(".json") {
                let path = "catalogs/\(language.rawValue)/\(file.name)"
                guard let part = try? JSONDecoder().decode([String: String].self, from: file.data) else {
                    throw PocError("the catalog \(path) is not a JSON object of strings")
                }
                if let twice = part.keys.sorted().first(where: { table[$0] != nil }) {
                    throw PocError("the catalog key \(twice) is in \(path) and in another file of catalogs/\(language.rawValue)")
                }
                table.merge(part) { first, _ in first }
            }
            tables[language] = table
        }
        return UIResources(templates: templates, staticFiles: staticFiles, catalogs: try Catalogs(tables: tables))
    }

    /// The content type served for a static file, by extension; `nil` for a file not served.
    static func contentType(of name: String) -> String? {
        switch (name as NSString).pathExtension {
        case "css": "text/css; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: nil
        }
    }

    /// The `Resources` folder: in the bundle beside the executable (installed,
    /// or a test runner in the build folder), else the module bundle SwiftPM generated.
    private static func locate() -> URL? {
        var candidates: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: executable).deletingLastPathComponent())
        }
        candidates.append(Bundle.main.bundleURL)
        if let resources = Bundle.main.resourceURL { candidates.append(resources) }
        for folder in candidates {
            let resources = folder.appendingPathComponent(bundleName).appendingPathComponent("Resources")
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: resources.path, isDirectory: &isFolder), isFolder.boolValue { return resources }
        }
        return nil
    }
}

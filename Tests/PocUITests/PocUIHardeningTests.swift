import AsyncHTTPClient
import Foundation
import Glibc
import NIOCore
import NIOHTTP1
import ProcessLaunch
import RelayProtocol
import RelayServer
import RelayTestSupport
import Testing

@testable import PocUI

/// The local server's hardening: the browser opened through a private file,
/// the session cookie named per port, other local users' connections closed,
/// and a `poc` installed without the interface's files.
@Suite("poc ui: hardening of the local server")
struct PocUIHardeningTests {
    /// A stand-in for xdg-open that records what it was given: its arguments,
    /// the file's and its folder's modes, and the file's text, in `$OPENER_OUT`.
    static func fakeOpener(in root: TemporaryDirectory) throws -> String {
        let folder = root.file("bin")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let script = """
            #!/bin/sh
            printf '%s\\n' "$@" > "$OPENER_OUT/args.tmp"
            stat -c %a "$1" > "$OPENER_OUT/mode"
            stat -c %a "$(dirname "$1")" > "$OPENER_OUT/folder-mode"
            cat "$1" > "$OPENER_OUT/page"
            mv "$OPENER_OUT/args.tmp" "$OPENER_OUT/args"

            """
        let path = (folder as NSString).appendingPathComponent("xdg-open")
        _ = FileManager.default.createFile(atPath: path, contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
        return folder
    }

    /// Waits (up to a minute) until `condition` holds.
    static func eventually(_ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        return true
    }

    /// The first line `poc ui` printed, once there is one.
    static func firstLine(_ ui: ChildProcess) async throws -> String {
        _ = try await eventually { String(decoding: ui.standardOutput, as: UTF8.self).contains("\n") || !ui.isRunning }
        return String(decoding: ui.standardOutput, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    @Test(
        "the browser gets a 0600 file in a 0700 folder that redirects to the login URL, never the token on its command line; the file goes at the login"
    )
    func browserOpenedThroughPrivateFile() async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let root = try TemporaryDirectory(prefix: "poc-ui-open")
            defer { root.remove() }
            _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(UIFixture.passphrase.utf8))
            _ = try await UIFixture.enrol(root, relay, "deu", state: "DEU", role: .technical)
            let bin = try Self.fakeOpener(in: root)
            let runtime = root.file("run")
            try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let out = root.file("opener")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let environment = BuiltProduct.childEnvironment([
                "POC_INSECURE_FAST_KDF": "1", "HOME": root.path, "XDG_RUNTIME_DIR": runtime, "OPENER_OUT": out,
                "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            ])
            let ui = try ChildProcess(
                executable: poc.url.path,
                arguments: ["ui", "--home", root.file("deu"), "--passphrase-file", root.file("passphrase")], environment: environment)
            let line = try await Self.firstLine(ui)
            guard let url = URL(string: line), line.hasPrefix("http://127.0.0.1:") else {
                await ui.kill9()
                Issue.record("first line: '\(line)', stderr: \(String(decoding: ui.standardError, as: UTF8.self))")
                return
            }
            let token = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems?.first { $0.name == "token" }?.value ?? ""
            #expect(token.count == 64, "the first line is still the login URL: \(line)")
            #expect(try await Self.eventually { Self.exists(out + "/args") }, "xdg-open was started")
            let arguments = (try? String(contentsOfFile: out + "/args", encoding: .utf8)) ?? ""
            let file = arguments.trimmingCharacters(in: .newlines)
            #expect(!arguments.contains(token), "the token is not on xdg-open's command line")
            #expect(!arguments.contains("http"), "\(arguments)")
            #expect(file.hasPrefix(runtime + "/poc-ui-") && file.hasSuffix("/open.html"), "under $XDG_RUNTIME_DIR: \(file)")
            #expect((try? String(contentsOfFile: out + "/mode", encoding: .utf8))?.trimmingCharacters(in: .newlines) == "600")
            #expect((try? String(contentsOfFile: out + "/folder-mode", encoding: .utf8))?.trimmingCharacters(in: .newlines) == "700")
            let page = (try? String(contentsOfFile: out + "/page", encoding: .utf8)) ?? ""
            #expect(page.contains(#"<meta http-equiv="refresh" content="0; url=\#(line)">"#), "\(page)")
            #expect(page.contains(#"<a href="\#(line)">"#))
            #expect(!page.contains("<script"), "no script: a meta refresh")
            #expect(Self.exists(file), "kept until the login")

            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let fixture = UIFixture(root: root, relay: relay, url: url, http: http)
            do {
                _ = try await fixture.login()
            } catch {
                Issue.record(error)
            }
            try? await http.shutdown()
            #expect(try await Self.eventually { !Self.exists(file) }, "the page is removed at the login")
            #expect(!Self.exists((file as NSString).deletingLastPathComponent), "and its folder")
            ui.send(SIGTERM)
            if await ui.waitForExit(timeout: .seconds(30)) == nil { await ui.kill9() }
        }
    }

    @Test("without a login the page goes when poc ui stops; an $XDG_RUNTIME_DIR others may enter is not used (the POC home is)")
    func launchPageRemovedAtExit() async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let root = try TemporaryDirectory(prefix: "poc-ui-open")
            defer { root.remove() }
            _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(UIFixture.passphrase.utf8))
            _ = try await UIFixture.enrol(root, relay, "deu", state: "DEU", role: .technical)
            let bin = try Self.fakeOpener(in: root)
            let runtime = root.file("shared-run")
            try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            let out = root.file("opener")
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let environment = BuiltProduct.childEnvironment([
                "POC_INSECURE_FAST_KDF": "1", "HOME": root.path, "XDG_RUNTIME_DIR": runtime, "OPENER_OUT": out,
                "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
            ])
            let ui = try ChildProcess(
                executable: poc.url.path,
                arguments: ["ui", "--home", root.file("deu"), "--passphrase-file", root.file("passphrase")], environment: environment)
            let line = try await Self.firstLine(ui)
            #expect(line.hasPrefix("http://127.0.0.1:"), "\(line)")
            #expect(try await Self.eventually { Self.exists(out + "/args") }, "xdg-open was started")
            let file = ((try? String(contentsOfFile: out + "/args", encoding: .utf8)) ?? "").trimmingCharacters(in: .newlines)
            #expect(file.hasPrefix(root.file("deu") + "/poc-ui-"), "in the POC home, not the 0755 folder: \(file)")
            #expect(Self.exists(file))
            ui.send(SIGTERM)
            let status = await ui.waitForExit(timeout: .seconds(30))
            if status == nil { await ui.kill9() }
            #expect(status == 0, "\(String(decoding: ui.standardError, as: UTF8.self))")
            #expect(!Self.exists(file), "removed at exit")
            #expect(!Self.exists((file as NSString).deletingLastPathComponent))
        }
    }

    @Test("the session cookie is named after the port too (HttpOnly, SameSite=Strict, Path=/), and works alone; another port's name does not")
    func cookiePerPort() async throws {
        try await UIFixture.with { ui in
            let answer = try await ui.request(.GET, "/login?token=\(ui.token)")
            #expect(answer.status == 303)
            let perPort = try #require(answer.setCookie("poc_session_\(ui.port)"), "\(answer.headers)")
            #expect(perPort.line.contains("HttpOnly") && perPort.line.contains("SameSite=Strict") && perPort.line.contains("Path=/"))
            #expect(perPort.value == answer.setCookie("poc_session")?.value)
            let alone = try await ui.request(.GET, "/unlock", cookies: ["poc_session_\(ui.port)": perPort.value])
            #expect(alone.status == 200)
            // Another instance's session under the plain name does not hide this one's.
            let both = try await ui.request(
                .GET, "/unlock", cookies: ["poc_session_\(ui.port)": perPort.value, "poc_session": String(repeating: "b", count: 64)])
            #expect(both.status == 200)
            let otherPort = try await ui.request(.GET, "/unlock", cookies: ["poc_session_\(ui.port + 1)": perPort.value])
            #expect(otherPort.status == 401)
        }
    }

    @Test(
        "a login another site started (the private file page) gets a page that goes on by itself, since Strict cookies skip a cross-site redirect chain"
    )
    func crossSiteLoginBounces() async throws {
        try await UIFixture.with { ui in
            let answer = try await ui.request(
                .GET, "/login?token=\(ui.token)", headers: [("Sec-Fetch-Site", "cross-site"), ("Accept-Language", "fr")])
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: "Location") == nil)
            #expect(answer.headers.first(name: "Refresh") == "0; url=/inbox")
            #expect(answer.body.contains("Connexion établie"), "in the browser's language")
            #expect(answer.body.contains(#"href="/inbox""#), "a link too")
            let cookie = try #require(answer.setCookie("poc_session_\(ui.port)"))
            #expect(cookie.line.contains("HttpOnly") && cookie.line.contains("SameSite=Strict"))
            #expect(answer.setCookie("poc_session")?.value == cookie.value)
            #expect(answer.headers.first(name: "Content-Security-Policy") != nil)
            let page = try await ui.request(.GET, "/unlock", cookies: ["poc_session_\(ui.port)": cookie.value])
            #expect(page.status == 200)
            let again = try await ui.request(.GET, "/login?token=\(ui.token)", headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(again.status == 401, "still one use")
        }
    }

    @Test("a connection from another local user is closed before any answer; this user's is served")
    func otherLocalUserRefused() async throws {
        try await UIFixture.with { ui in
            let ownerRow = try #require(
                LocalPeerGuard.owner(
                    in: "  sl  local_address rem_address st tx_queue rx_queue tr tm->when retrnsmt uid\n"
                        + "   3: 0100007F:A1B2 0100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 4242 1\n",
                    peer: "0100007F:A1B2", local: "0100007F:1F90"))
            #expect(ownerRow == 1000)
            #expect(LocalPeerGuard.key(try SocketAddress(ipAddress: "127.0.0.1", port: 8080)) == "0100007F:1F90", "as the kernel prints it")
            let curl = ExecutableSearch.find("curl", in: ProcessInfo.processInfo.environment["PATH"])
            let setpriv = ExecutableSearch.find("setpriv", in: ProcessInfo.processInfo.environment["PATH"])
            guard getuid() == 0, let curl, let setpriv else {
                // Switching to another user needs root; the test runs as root in CI and here.
                Issue.record("needs root, curl and setpriv to connect as another user")
                return
            }
            let url = "http://127.0.0.1:\(ui.port)/login?token=\(ui.token)"
            let other = try await ChildProcess.run(
                executable: setpriv,
                arguments: ["--reuid=65534", "--regid=65534", "--clear-groups", curl, "-s", "-o", "/dev/null", "-w", "%{http_code}", url],
                environment: ["PATH": "/usr/bin:/bin"], input: .null, timeout: .seconds(60))
            let code = String(decoding: other.standardOutput, as: UTF8.self)
            #expect(code == "000", "no HTTP answer to user 65534: \(code) \(String(decoding: other.standardError, as: UTF8.self))")
            #expect(other.status != 0)
            let own = try await ChildProcess.run(
                executable: curl, arguments: ["-s", "-o", "/dev/null", "-w", "%{http_code}", url], environment: ["PATH": "/usr/bin:/bin"],
                input: .null, timeout: .seconds(60))
            #expect(String(decoding: own.standardOutput, as: UTF8.self) == "303", "this user logs in; the token was not used up")
        }
    }

    @Test("poc copied without its resource bundle: poc: error with a hint, status 69; deploy/install-poc puts the bundle beside it")
    func missingResourceBundle() async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let root = try TemporaryDirectory(prefix: "poc-ui-install")
            defer { root.remove() }
            _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(UIFixture.passphrase.utf8))
            _ = try await UIFixture.enrol(root, relay, "deu", state: "DEU", role: .technical)
            let alone = root.file("alone")
            try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: poc.url.path, toPath: alone + "/poc")
            let environment = BuiltProduct.childEnvironment(["POC_INSECURE_FAST_KDF": "1", "HOME": root.path])
            let arguments = ["ui", "--no-open", "--home", root.file("deu"), "--passphrase-file", root.file("passphrase")]
            let missing = try await ChildProcess.run(
                executable: alone + "/poc", arguments: arguments, environment: environment, input: .null, timeout: .seconds(60))
            let error = String(decoding: missing.standardError, as: UTF8.self)
            #expect(missing.status == 69, "\(error)")
            #expect(missing.standardOutput.isEmpty)
            #expect(
                error.hasPrefix(
                    "poc: error: the web interface's files (the folder poc-relay_PocUI.resources) are not beside the poc executable (\(alone))"),
                "\(error)")
            #expect(error.contains("poc: hint: install poc with deploy/install-poc"), "\(error)")

            let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let install = try await ChildProcess.run(
                executable: repository.appendingPathComponent("deploy/install-poc").path,
                arguments: [poc.url.deletingLastPathComponent().path, alone], environment: BuiltProduct.childEnvironment(), input: .null,
                timeout: .seconds(60))
            #expect(install.status == 0, "\(String(decoding: install.standardError, as: UTF8.self))")
            #expect(Self.exists(alone + "/poc-relay_PocUI.resources/Resources/templates/layout.mustache"))
            let ui = try ChildProcess(executable: alone + "/poc", arguments: arguments, environment: environment)
            let line = try await Self.firstLine(ui)
            #expect(
                line.hasPrefix("http://127.0.0.1:"),
                "installed with its files, it serves: \(line) \(String(decoding: ui.standardError, as: UTF8.self))")
            ui.send(SIGTERM)
            if await ui.waitForExit(timeout: .seconds(30)) == nil { await ui.kill9() }
        }
    }
}

import AsyncHTTPClient
import Foundation
import Glibc
import NIOHTTP1
import ProcessLaunch
import RelayProtocol
import RelayTestSupport
import Testing

@Suite("poc ui: the built binary")
struct PocUIBinaryTests {
    @Test(
        "poc ui prints the login URL on its first line, uses poc unlock's agent (no passphrase page), and SIGTERM stops it cleanly")
    func builtBinaryWithAgent() async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let root = try TemporaryDirectory(prefix: "poc-ui-bin")
            defer { root.remove() }
            _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(UIFixture.passphrase.utf8))
            _ = try await UIFixture.enrol(root, relay, "fra", state: "FRA", role: .technical)
            let deu = try await UIFixture.enrol(root, relay, "deu", state: "DEU", role: .technical)
            await UIFixture.poc(root, "fra", ["send", "--to", deu, "--urgency", "flash", "--subject", "Agent-unlocked FLASH", "--body", "b"])
            let environment = BuiltProduct.childEnvironment(["POC_INSECURE_FAST_KDF": "1", "HOME": root.path])
            let unlocked = try await poc.run(
                ["unlock", "--for", "10m", "--home", root.file("deu")],
                environment: environment.merging(["POC_PASSPHRASE_FILE": root.file("passphrase")]) { $1 })
            #expect(unlocked.status == 0, "\(unlocked)")
            defer { _ = try? ChildProcess(executable: poc.url.path, arguments: ["lock", "--home", root.file("deu")], environment: environment) }

            // No passphrase file: the keys can only come from the agent.
            let ui = try ChildProcess(
                executable: poc.url.path, arguments: ["ui", "--no-open", "--home", root.file("deu")], environment: environment)
            let deadline = ContinuousClock.now + .seconds(60)
            while !String(decoding: ui.standardOutput, as: UTF8.self).contains("\n"), ui.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let firstLine = String(decoding: ui.standardOutput, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            guard let url = URL(string: firstLine),
                firstLine.range(of: #"^http://127\.0\.0\.1:[0-9]+/login\?token=[0-9a-f]{64}$"#, options: .regularExpression) != nil
            else {
                await ui.kill9()
                Issue.record("first line: '\(firstLine)', stderr: \(String(decoding: ui.standardError, as: UTF8.self))")
                return
            }
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            let fixture = UIFixture(root: root, relay: relay, url: url, http: http)
            do {
                let cookie = try await fixture.login()
                let inbox = try await fixture.request(.GET, "/inbox", cookies: ["poc_session": cookie])
                #expect(inbox.status == 200, "unlocked by the agent: no redirect to /unlock")
                #expect(inbox.body.contains("Agent-unlocked FLASH"))
                #expect(inbox.body.contains(#"<span class="urgency urgency-flash">FLASH</span>"#))
            } catch {
                Issue.record(error)
            }
            try? await http.shutdown()
            ui.send(SIGTERM)
            let status = await ui.waitForExit(timeout: .seconds(30))
            if status == nil { await ui.kill9() }
            #expect(status == 0, "stderr: \(String(decoding: ui.standardError, as: UTF8.self))")
            await ui.waitForOutput()
            #expect(String(decoding: ui.standardError, as: UTF8.self).contains("the keys were erased from memory"))
            let locked = try await poc.run(["lock", "--home", root.file("deu")], environment: environment)
            #expect(locked.standardOutput.contains("zeroed the keys"), "\(locked)")
        }
    }

    @Test("poc ui --passphrase-file unlocks at start; a wrong passphrase ends it with 77 before any URL is printed")
    func passphraseFile() async throws {
        let poc = try BuiltProduct.named("poc")
        try await LiveRelay.with { relay in
            let root = try TemporaryDirectory(prefix: "poc-ui-bin")
            defer { root.remove() }
            _ = FileManager.default.createFile(atPath: root.file("passphrase"), contents: Data(UIFixture.passphrase.utf8))
            _ = FileManager.default.createFile(atPath: root.file("wrong"), contents: Data("not the passphrase".utf8))
            _ = try await UIFixture.enrol(root, relay, "deu", state: "DEU", role: .technical)
            let environment = BuiltProduct.childEnvironment(["POC_INSECURE_FAST_KDF": "1", "HOME": root.path])
            let wrong = try await poc.run(
                ["ui", "--no-open", "--home", root.file("deu"), "--passphrase-file", root.file("wrong")], environment: environment)
            #expect(wrong.status == 77, "\(wrong)")
            #expect(wrong.standardOutput.isEmpty)
            #expect(wrong.standardError.hasPrefix("poc: error: wrong passphrase"), "\(wrong)")

            let ui = try ChildProcess(
                executable: poc.url.path,
                arguments: ["ui", "--no-open", "--home", root.file("deu"), "--passphrase-file", root.file("passphrase")],
                environment: environment)
            let deadline = ContinuousClock.now + .seconds(60)
            while !String(decoding: ui.standardOutput, as: UTF8.self).contains("\n"), ui.isRunning, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            let firstLine = String(decoding: ui.standardOutput, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
            if let url = URL(string: firstLine), url.scheme == "http" {
                let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
                let fixture = UIFixture(root: root, relay: relay, url: url, http: http)
                do {
                    let cookie = try await fixture.login()
                    let inbox = try await fixture.request(.GET, "/inbox", cookies: ["poc_session": cookie])
                    #expect(inbox.status == 200, "unlocked at start")
                    #expect(inbox.body.contains("No messages are waiting."))
                } catch {
                    Issue.record(error)
                }
                try? await http.shutdown()
            } else {
                Issue.record("first line: '\(firstLine)', stderr: \(String(decoding: ui.standardError, as: UTF8.self))")
            }
            ui.send(SIGTERM)
            if await ui.waitForExit(timeout: .seconds(30)) == nil { await ui.kill9() }
        }
    }

    @Test("poc ui on a home that is not enrolled, or with a bad port, is one error line and a usage status")
    func errors() async throws {
        let poc = try BuiltProduct.named("poc")
        let root = try TemporaryDirectory(prefix: "poc-ui-bin")
        defer { root.remove() }
        let environment = BuiltProduct.childEnvironment(["HOME": root.path])
        let empty = try await poc.run(["ui", "--no-open", "--home", root.file("nobody")], environment: environment)
        #expect(empty.status != 0)
        #expect(empty.standardOutput.isEmpty)
        #expect(empty.standardError.hasPrefix("poc: error: "), "\(empty)")
        let port = try await poc.run(["ui", "--no-open", "--port", "70000", "--home", root.file("nobody")], environment: environment)
        #expect(port.status == 64, "\(port)")
        #expect(port.standardError.contains("--port"), "\(port)")
    }
}

import Foundation
import ProcessLaunch
import RelayTestSupport
import Testing

extension Browser {
    /// `poc ui` opening the browser as xdg-open would: with the path of its
    /// private page, never the login URL, and the page still signs the browser in.
    @Suite("poc ui: the browser opened through the private page")
    struct HardeningBrowserTests {
        @Test(
            "Chromium given only the private file's path follows its redirect, is signed in (the unlock page, not the login one), and the file is gone",
            .timeLimit(.minutes(3)))
        func launchPageSignsIn() async throws {
            try await LiveRelay.with { relay in
                let homes = try await UIHomes.make(relay: relay)
                defer { homes.homes.remove() }
                let bin = homes.homes.file("bin")
                try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
                let opened = homes.homes.file("opened")
                _ = FileManager.default.createFile(
                    atPath: bin + "/xdg-open",
                    contents: Data("#!/bin/sh\nprintf '%s' \"$1\" > \"$OPENED.tmp\" && mv \"$OPENED.tmp\" \"$OPENED\"\n".utf8),
                    attributes: [.posixPermissions: 0o755])
                var variables = homes.environment
                variables["POC_PASSPHRASE_FILE"] = nil
                variables["XDG_RUNTIME_DIR"] = nil
                variables["OPENED"] = opened
                variables["PATH"] = bin + ":" + (variables["PATH"] ?? "/usr/bin:/bin")
                let ui = try ChildProcess(
                    executable: homes.poc.url.path, arguments: ["ui", "--home", homes.homes.file("fra")], environment: variables)
                let outcome: Result<Void, any Error>
                do {
                    let line = try await UIHomes.firstLine(of: ui)
                    let deadline = ContinuousClock.now + .seconds(60)
                    while !FileManager.default.fileExists(atPath: opened), ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(50))
                    }
                    let path = try String(contentsOfFile: opened, encoding: .utf8)
                    #expect(path.hasPrefix(homes.homes.file("fra") + "/poc-ui-") && path.hasSuffix("/open.html"), "\(path)")
                    #expect(!path.contains("token"))
                    outcome = .success(
                        try await WebDriver.withBrowser(language: "en", width: 1024, height: 700) { browser in
                            try await browser.navigate(to: URL(fileURLWithPath: path))
                            do { _ = try await browser.waitForElement("input#passphrase", timeout: .seconds(20)) } catch {
                                Issue.record("at \(try await browser.currentURL()): \(try await browser.pageSource().prefix(600))")
                                throw error
                            }
                            let url = try await browser.currentURL()
                            #expect(url.host == "127.0.0.1" && url.path == "/unlock", "\(url), printed \(line)")
                            let deadline = ContinuousClock.now + .seconds(60)
                            while FileManager.default.fileExists(atPath: path), ContinuousClock.now < deadline {
                                try await Task.sleep(for: .milliseconds(50))
                            }
                            #expect(!FileManager.default.fileExists(atPath: path), "removed at the login")
                        })
                } catch {
                    outcome = .failure(error)
                }
                await UIHomes.stop(ui)
                try outcome.get()
            }
        }
    }
}

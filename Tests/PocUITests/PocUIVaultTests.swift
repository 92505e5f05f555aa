import AsyncHTTPClient
import Foundation
import NIOHTTP1
import PocKit
import PocUI
import ProcessLaunch
import RelayProtocol
import RelayTestSupport
import Testing

@Suite("poc ui: the key vault's rules")
struct PocUIVaultTests {
    @Test("the wait between passphrase attempts: none for the first 5 wrong ones, then doubling from the base, at most 15 minutes")
    func attemptDelays() {
        for failures in 0..<KeyVault.freeAttempts { #expect(KeyVault.attemptDelay(afterFailures: failures) == .zero) }
        #expect(KeyVault.attemptDelay(afterFailures: 5) == .seconds(5))
        #expect(KeyVault.attemptDelay(afterFailures: 6) == .seconds(10))
        #expect(KeyVault.attemptDelay(afterFailures: 7) == .seconds(20))
        #expect(KeyVault.attemptDelay(afterFailures: 12) == .seconds(640))
        #expect(KeyVault.attemptDelay(afterFailures: 13) == .seconds(900))
        #expect(KeyVault.attemptDelay(afterFailures: 10_000) == .seconds(900))
        #expect(KeyVault.attemptDelay(afterFailures: 6, base: .milliseconds(100)) == .milliseconds(200))
    }

    @Test("the unlock time changes at runtime only within 1 minute to 8 hours")
    func lockAfterBounds() throws {
        let vault = KeyVault(home: PocHome(explicit: "/nonexistent-poc-home", environment: [:]), lockAfter: .seconds(900))
        #expect(vault.lockAfter == .seconds(900))
        try vault.setLockAfter(.seconds(60))
        #expect(vault.lockAfter == .seconds(60))
        try vault.setLockAfter(.seconds(8 * 3600))
        #expect(vault.lockAfter == .seconds(8 * 3600))
        #expect(throws: PocError.self) { try vault.setLockAfter(.seconds(59)) }
        #expect(throws: PocError.self) { try vault.setLockAfter(.seconds(8 * 3600 + 1)) }
        #expect(vault.lockAfter == .seconds(8 * 3600), "a refused value changes nothing")
    }

    @Test("after 5 wrong passphrases each attempt waits (429, Retry-After, said in the user's language), even the right one; then it unlocks")
    func passphraseAttempts() async throws {
        try await UIFixture.with { ui in
            let cookie = try await ui.login()
            let session = UIFixture.directorySession(cookie)
            let csrf = try UIFixture.csrf(in: try await ui.request(.GET, "/unlock", cookies: session).body)
            func attempt(_ passphrase: String, language: String? = nil) async throws -> UIFixture.Answer {
                try await ui.request(
                    .POST, "/unlock", cookies: UIFixture.directorySession(cookie, language: language),
                    form: [("csrf", csrf), ("passphrase", passphrase)])
            }
            for _ in 1..<KeyVault.freeAttempts {
                let wrong = try await attempt("not the passphrase")
                #expect(wrong.status == 422 && wrong.body.contains("Wrong passphrase. Try again."))
            }
            let fifth = try await attempt("still not it")
            let failedAt = ContinuousClock.now
            #expect(fifth.status == 429)
            #expect(fifth.body.contains("Wrong passphrase (5 wrong in a row). Wait 5 seconds before the next attempt"), "\(fifth.body)")
            #expect(fifth.headers.first(name: "Retry-After") == "5")
            let right = try await attempt(UIFixture.passphrase)
            #expect(right.status == 429, "the right passphrase is not even tried while waiting")
            #expect(right.body.contains("Too many wrong passphrases. Wait"))
            #expect(try await ui.request(.GET, "/inbox", cookies: session).status == 303, "still locked")
            let arabic = try await attempt(UIFixture.passphrase, language: "ar")
            #expect(arabic.status == 429 && arabic.body.contains("عبارات مرور خاطئة كثيرة جدًا. انتظر"))

            let deadline = ContinuousClock.now + .seconds(60)
            var unlocked = try await attempt(UIFixture.passphrase)
            while unlocked.status == 429, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                unlocked = try await attempt(UIFixture.passphrase)
            }
            #expect(unlocked.status == 303, "\(unlocked.body)")
            #expect(ContinuousClock.now - failedAt >= .seconds(4), "the wait was kept")
            #expect(try await ui.request(.GET, "/inbox", cookies: session).status == 200)
        }
    }

    @Test("Lock with the keys from poc unlock's agent also locks the agent (as poc lock does), so the next page does not reopen them")
    func lockWithAgent() async throws {
        let poc = try BuiltProduct.named("poc")
        try await UIFixture.with { ui in
            let home = ui.home("deu")
            let environment = BuiltProduct.childEnvironment([
                "POC_INSECURE_FAST_KDF": "1", "HOME": ui.root.path, "POC_PASSPHRASE_FILE": ui.root.file("passphrase"),
            ])
            let unlocked = try await poc.run(["unlock", "--for", "10m", "--home", home], environment: environment)
            try #require(unlocked.status == 0, "\(unlocked)")
            let agent = KeyAgentClient(home: PocHome(explicit: home, environment: [:]))
            defer { _ = agent.lock() }
            #expect(agent.status() != nil)
            let cookie = try await ui.login()
            let session = UIFixture.directorySession(cookie)
            let inbox = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(inbox.status == 200, "opened from the agent, no passphrase")
            let csrf = try UIFixture.csrf(in: inbox.body)
            let lock = try await ui.request(.POST, "/lock", cookies: session, form: [("csrf", csrf)])
            #expect(lock.status == 303)
            #expect(agent.status() == nil, "the agent zeroed its keys and ended")
            let after = try await ui.request(.GET, "/inbox", cookies: session)
            #expect(after.status == 303 && after.headers.first(name: "Location") == "/unlock", "not silently reopened")
            let page = try await ui.request(.GET, "/unlock?locked=1", cookies: session)
            #expect(page.body.contains("The key agent of poc unlock was locked too"), "the unlock page says the agent was locked")
            let cli = try await poc.run(["lock", "--home", home], environment: environment)
            #expect(cli.standardOutput.contains("no key agent was running"), "\(cli)")
        }
    }
}

import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import RelayClient
import RelayProtocol
import Sodium

/// The root command.
struct Poc: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poc",
        abstract: "The POC's client for POC Relay: sealed, signed messages between the UN directory's points of contact.",
        discussion: """
            Quick start:
              poc init --server https://relay.example --relay-fingerprint "FD5E FC50 ..."
              poc enrol --token poc-invite-...
              poc directory
              poc rfi --to DEU-TEC-1 --urgency immediate --incident-nature scanning
              poc inbox
              poc read 9f86d081884c7d659a2feaa0c55ad015

            --home, --passphrase-file and --format may come before or after the command.

            Exit status: 0 success, 1 other failure, 64 usage error, 65 a message or \
            signature failed to open or verify, 69 relay unreachable, 74 output could not be written, \
            77 credentials refused, 130 cancelled at a prompt (Ctrl-C), 141 the reader of the output went away.
            """,
        version: ToolVersion.line,
        subcommands: [
            Init.self, Enrol.self, WhoAmI.self, DirectoryCommand.self, Trust.self, Keys.self,
            Send.self, RFI.self, Respond.self, Inbox.self, Read.self, Watch.self, Status.self,
            Forward.self, Consent.self, Pings.self, PingCommand.self, Log.self, Alerts.self, Sync.self, Unlock.self, Lock.self, UI.self,
            AgentServe.self,
        ])
}

/// `poc init`.
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Connect this home to a relay and pin the relay's key.",
        discussion: """
            Examples:
              poc init --server https://relay.example:8443 --ca dev-ca.pem --relay-fingerprint "FD5E FC50 2594 685B 348B 8EC4 1803 A7E3"
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The relay's address, https://host:port.") var server: String
    @Option(help: "Trust this CA file instead of the system's.") var ca: String?
    @Option(help: "The relay fingerprint given by the custodian; refuse any other.") var relayFingerprint: String?

    func run() async throws {
        let profile = try await PocSetup.initialize(home: global.pocHome, server: server, caFile: ca, expectedFingerprint: relayFingerprint)
        let key = try profile.relayKey
        let environment = global.environment
        environment.write("relay \(profile.server)")
        environment.write("relay fingerprint: \(Fingerprint(of: key).grouped)")
        if relayFingerprint == nil {
            environment.error("poc: hint: compare this fingerprint with the one the custodian gave you before enrolling")
        } else {
            environment.write("the fingerprint matches the one given; the relay key is pinned")
        }
    }
}

/// Entry fields, as options or prompts.
struct EntryOptions: ParsableArguments {
    @Option(help: "institution or person.") var kind: EntryKind?
    @Option(help: "Entity or institution (required).") var entity: String?
    @Option(help: "Name, for a designated person.") var name: String?
    @Option(help: "Designation (title).") var designation: String?
    @Option(help: "E-mail address.") var email: String?
    @Option(help: "Phone number.") var phone: String?
    @Option(help: "Website.") var website: String?
    @Option(help: "Working languages, comma-separated, e.g. fr,en.") var languages: String?
    @Option(help: "The UN language the entry is written in: ar, en, es, fr, ru, zh.") var entryLanguage: UNLanguage?
    @Option(help: "Unofficial English translation of the entity.") var entityEn: String?
    @Option(help: "Unofficial English translation of the name.") var nameEn: String?
    @Option(help: "Unofficial English translation of the designation.") var designationEn: String?

    /// The details, asking on the terminal for what is missing: each typed
    /// field is checked at once by the relay's own rules (``EntryFieldCheck``)
    /// and asked again until it is right or left empty; optional prompts say so.
    func details(base: EntryDetails? = nil) throws -> EntryDetails {
        let environment = PocEnvironment.current
        func ask(
            _ label: String, _ value: String?, _ existing: String?, check: EntryFieldCheck.Field? = nil, optional: Bool = true
        )
            -> String?
        {
            if let value { return value.isEmpty ? nil : value }
            if base != nil { return existing }
            for _ in 0..<5 {
                let prompt = optional ? "\(label) (optional, Return to skip): " : "\(label): "
                guard let answer = environment.linePrompt(prompt)?.trimmingCharacters(in: .whitespaces), !answer.isEmpty else { return nil }
                guard let check, let problem = EntryFieldCheck.problem(check, answer) else { return answer }
                environment.error("poc: that \(label.lowercased()) \(problem); try again")
            }
            return nil
        }
        guard let entity = ask("Entity or institution", entity, base?.entity, check: .entity, optional: false) else {
            throw PocError.usage("the entry needs --entity")
        }
        let languageList = ask("Working languages (e.g. fr,en)", languages, base?.languages.joined(separator: ","))
        let entryLanguageText =
            entryLanguage?.rawValue ?? ask("Entry language (ar, en, es, fr, ru, zh)", nil, base?.entryLanguage.rawValue, optional: false)
        guard let entryLanguage = entryLanguageText.flatMap(UNLanguage.init(rawValue:)) else {
            throw PocError.usage("the entry needs --entry-language (ar, en, es, fr, ru or zh)")
        }
        var translation = base?.translationEn ?? EntryTranslation()
        if let entityEn { translation.entity = entityEn }
        if let nameEn { translation.name = nameEn }
        if let designationEn { translation.designation = designationEn }
        let hasTranslation = translation.entity != nil || translation.name != nil || translation.designation != nil
        return EntryDetails(
            kind: kind ?? base?.kind ?? .institution, entity: entity, website: ask("Website", website, base?.website, check: .website),
            name: ask("Name (for a person)", name, base?.name, check: .name),
            designation: ask("Designation", designation, base?.designation, check: .designation),
            email: ask("E-mail", email, base?.email, check: .email), phone: ask("Phone", phone, base?.phone, check: .phone),
            languages: (languageList ?? entryLanguage.rawValue).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() },
            entryLanguage: entryLanguage, translationEn: hasTranslation ? translation : nil)
    }
}

/// `poc enrol`.
struct Enrol: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate this POC's keys and enrol with a one-time invitation.",
        discussion: """
            Examples:
              poc enrol --token poc-invite-... --entity CERT-FR --email cert@example.org --languages fr,en --entry-language fr
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The invitation token from the custodian.") var token: String
    @OptionGroup var entry: EntryOptions

    func run() async throws {
        let token = EntryFieldCheck.trimmedToken(token)
        guard EntryFieldCheck.isInvitationShaped(token) else {
            throw PocError(
                "that is not an invitation token: one is poc-invite- followed by 64 hexadecimal digits",
                hint: "copy the whole token the custodian sent you, from its first to its last character", status: .usage)
        }
        let details = try entry.details()
        let passphrase = try global.passphrase.read(confirm: true)
        let created = try await PocSetup.enrol(home: global.pocHome, token: token, details: details, passphrase: passphrase, limits: global.kdfLimits)
        let environment = global.environment
        environment.write("enrolled as \(created.pocID) (\(created.state), \(created.role))")
        environment.write("your fingerprint: \(created.fingerprint.grouped)")
        environment.error("poc: hint: read this fingerprint out to your correspondents so they can check your key")
    }
}

/// `poc whoami`.
struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show this POC's id, state, role and fingerprint.",
        discussion: """
            Examples:
              poc whoami
            """)
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient(syncOutbox: false) { client in
            let environment = global.environment
            environment.write("\(client.me) (\(client.state), \(client.role))")
            environment.write("fingerprint: \(Fingerprint(of: client.keys.identity.publicKey).grouped)")
            environment.write("relay: \(client.profile.server) (relay id \(client.profile.relayID))")
            environment.write("home: \(client.home.path)")
            if let agent = KeyAgentClient(home: client.home).status() {
                environment.write("unlocked until \(agent.expiresAt.formatted(.iso8601)) (`poc lock` to lock)")
            }
        }
    }
}

/// `poc trust`.
struct Trust: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trust a correspondent's key after checking its fingerprint out of band.",
        discussion: """
            Examples:
              poc trust DEU-TEC-1 --fingerprint "8403 FAB6 C2E1 0963 428A 5697 C3A5 A201"
            """)
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The POC id.") var pocID: POCIDArgument
    @Option(help: "The fingerprint the POC read out to you.") var fingerprint: String

    func run() async throws {
        try await global.withClient { client in
            let entry = try await client.trust(pocID.id, fingerprint: fingerprint)
            global.environment.write("trusted \(entry.pocID) with fingerprint \(entry.fingerprint.grouped)")
        }
    }
}

/// `poc keys rotate`.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage this POC's keys.",
        discussion: """
            Examples:
              poc keys rotate
            """, subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rotate the encryption (X25519) key; older keys are kept to open messages sealed before.",
            discussion: """
                Examples:
                  poc keys rotate
                """)
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            // Asked even when unlocked: the rotated keys are saved under this passphrase.
            let passphrase = try KeyRing.verifiedPassphrase(for: global.pocHome, passphrase: global.passphrase)
            let verified = PassphraseSource(file: nil, prompt: { _ in passphrase }, usesAgent: false, tries: 1)
            let client = try PocClient.open(home: global.pocHome, passphrase: verified)
            let rotated = client.keys.rotatingBoxKey()
            let certificate = KeyCertificate.issue(boxKey: rotated.currentBoxKey.publicKey, createdAt: .now(), identity: rotated.identity)
            do {
                // Save first: a key the relay publishes but the POC lost would make messages unreadable.
                try rotated.save(to: global.pocHome, passphrase: passphrase, limits: global.kdfLimits)
                _ = try await client.relay { try await client.session.rotateBoxKey(BoxKeyRotation(certificate)) }
            } catch {
                await client.shutdown()
                throw error
            }
            await client.shutdown()
            global.environment.write("rotated the encryption key; your identity fingerprint is unchanged")
        }
    }
}

/// `poc sync`.
struct Sync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Resubmit sealed messages waiting in the outbox (same ids: never sent twice).",
        discussion: """
            Examples:
              poc sync
            """)
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        try await global.withClient(syncOutbox: false) { client in
            let result = try await client.syncOutbox()
            for id in result.sent {
                let recorded = try? client.recorded(id)
                global.environment.write(recorded.map { sentLine($0.inner, acceptedAt: $0.entry.acceptedAt) } ?? "sent \(id)")
            }
            if result.waiting > 0 {
                throw PocError("\(counted(result.waiting, "message")) still in the outbox: the relay is unreachable", status: .unavailable)
            }
            await client.refreshDeliveries()  // best effort: earlier messages' receipts reach the record
            if result.sent.isEmpty { global.environment.write("the outbox is empty") }
        }
    }
}

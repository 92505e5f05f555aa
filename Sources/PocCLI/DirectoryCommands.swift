import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import RelayClient
import RelayProtocol

/// `poc directory`.
struct DirectoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "directory", abstract: "The verified directory of points of contact.",
        discussion: """
            Examples:
              poc directory --state DEU --role technical
              poc directory show DEU-TEC-1
              poc directory update --phone "+33 1 00 00 00 01"
            """,
        subcommands: [List.self, Show.self, Update.self], defaultSubcommand: List.self)

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List POCs, checking the relay's signature and every key.",
            discussion: """
                Examples:
                  poc directory --state DEU --role technical
                  poc directory --search cert --format json
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "Only this state (ISO 3166-1 alpha-3).") var state: StateArgument?
        @Option(help: "Only this role.") var role: Role?
        @Option(help: "Only entries whose text contains this.") var search: String?
        @Option(help: "text or json.") var format: ListFormat = .text

        func run() async throws {
            try await global.withClient { client in
                let directory = try await client.verifiedDirectory()
                let entries = directory.search(DirectoryQuery(state: state?.code, role: role, text: search))
                let environment = global.environment
                if format == .json {
                    environment.write(try prettyJSON(entries.map { TrustedEntry(entry: $0, trust: directory.trust[$0.pocID]) }))
                    return
                }
                var rows = [["POC", "STATE", "ROLE", "ENTITY", "TRUST", "KEY"]]
                for entry in entries {
                    rows.append([
                        entry.pocID.rawValue, entry.state.rawValue, entry.role.rawValue, entry.details.entity,
                        directory.trust[entry.pocID]?.rawValue ?? "-", verdictText(directory.verdicts[entry.pocID]),
                    ])
                }
                let terminal = TerminalOutput.standardOutput(variables: environment.variables)
                for line in DisplayWidth.columns(rows, maxWidth: terminal.width, shrink: 3) { environment.write(line) }
                let unchecked = entries.filter { directory.trust[$0.pocID] == .pinned }.count
                if unchecked > 0 {
                    environment.write(
                        "trust: verified = fingerprint checked out of band; pinned = first use only (\(unchecked) not checked: `poc trust ID --fingerprint F`)"
                    )
                }
                environment.write("directory version \(directory.version), signed by the pinned relay key")
                for entry in entries {
                    if case .identityChanged(let pinned, let shown) = directory.verdicts[entry.pocID] {
                        environment.error("poc: WARNING: \(entry.pocID) now shows identity key \(shown.grouped), not the pinned \(pinned.grouped)")
                    }
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one entry with its fingerprint.",
            discussion: """
                Examples:
                  poc directory show DEU-TEC-1
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The POC id.") var pocID: POCIDArgument
        @Option(help: "text or json.") var format: ListFormat = .text

        func run() async throws {
            try await global.withClient { client in
                let directory = try await client.verifiedDirectory()
                guard let entry = directory.entries.first(where: { $0.pocID == pocID.id }) else {
                    throw PocError("\(pocID.id) is not in the directory")
                }
                let environment = global.environment
                if format == .json {
                    environment.write(try prettyJSON(TrustedEntry(entry: entry, trust: directory.trust[entry.pocID])))
                    return
                }
                let d = entry.details
                var lines = [
                    "\(entry.pocID)  \(entry.state)  \(entry.role)  \(entry.status.rawValue)",
                    "entity:       \(d.entity)\(d.translationEn?.entity.map { " (en: \($0))" } ?? "")",
                ]
                if let name = d.name { lines.append("name:         \(name)") }
                if let designation = d.designation { lines.append("designation:  \(designation)") }
                if let email = d.email { lines.append("email:        \(email)") }
                if let phone = d.phone { lines.append("phone:        \(phone)") }
                if let website = d.website { lines.append("website:      \(website)") }
                lines.append("languages:    \(d.languages.joined(separator: ", ")) (entry in \(d.entryLanguage.rawValue))")
                lines.append("fingerprint:  \(entry.fingerprint.grouped)")
                lines.append("trust:        \(directory.trust[entry.pocID]?.text ?? "-")")
                lines.append("key:          \(verdictText(directory.verdicts[entry.pocID]))")
                if let ping = entry.lastPing { lines.append("last ping:    \(ping.status.rawValue) at \(ping.at)") }
                for line in lines { environment.write(line) }
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Update this POC's own entry; unspecified fields keep their values.",
            discussion: """
                Examples:
                  poc directory update --phone "+33 1 00 00 00 01"
                """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var entry: EntryOptions

        /// Whether any field was given: an update that changes nothing is a mistake.
        var changesSomething: Bool {
            let e = entry
            let texts: [String?] = [e.entity, e.name, e.designation, e.email, e.phone, e.website, e.languages, e.entityEn, e.nameEn, e.designationEn]
            return e.kind != nil || e.entryLanguage != nil || texts.contains { $0 != nil }
        }

        func run() async throws {
            guard changesSomething else {
                throw PocError.usage(
                    "nothing to update: give the fields to change", hint: "for example `poc directory update --phone \"+33 1 00 00 00 01\"`")
            }
            try await global.withClient { client in
                let directory = try await client.verifiedDirectory()
                guard let current = directory.entry(client.me) else { throw PocError("this POC has no active entry") }
                let details = try entry.details(base: current.details)
                do { try details.validate() } catch let error as WireError { throw PocError.usage("\(error.field): \(error.reason)") }
                let updated = try await client.relay { try await client.session.updateEntry(details) }
                global.environment.write("updated the entry of \(updated.pocID)")
            }
        }
    }
}

/// A directory entry as `--format json` shows it: the entry's fields and `trust`.
struct TrustedEntry: Encodable {
    let entry: DirectoryEntry
    let trust: TrustLevel?

    func encode(to encoder: any Encoder) throws {
        try entry.encode(to: encoder)
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(trust, forKey: .trust)
    }

    enum Key: String, CodingKey { case trust }
}

func verdictText(_ verdict: PinVerdict?) -> String {
    switch verdict {
    case .pinnedNow: return "pinned now (check the fingerprint)"
    case .unchanged: return "as pinned"
    case .boxKeyRotated: return "encryption key rotated (certified)"
    case .identityChanged: return "CHANGED: refused until `poc trust`"
    case nil: return "-"
    }
}

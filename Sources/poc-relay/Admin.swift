import ArgumentParser
import CommandLineSupport
import Foundation
import RelayProtocol
import RelayService
import RelayStore

/// `poc-relay invite`: a one-time enrolment invitation (R1).
struct Invite: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a one-time enrolment invitation for a state and role.",
        discussion: """
            The token is printed alone on the last line of standard output; send it to the POC through the state's \
            permanent mission.

            Examples:
              poc-relay invite --data-dir /var/lib/poc-relay --state FRA --role technical
              poc-relay invite --state UNO --role custodian --expires 48h
              poc-relay invite --state DEU --role diplomatic --expires 7d
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The state's ISO 3166-1 alpha-3 code, e.g. FRA (custodians: UNO).") var state: String
    @Option(help: "diplomatic, technical or custodian.") var role: Role
    @Option(help: "How long the invitation works: 7d, 48h, 30m.", transform: durationOption) var expires: DurationArgument?

    func validate() throws {
        guard (try? StateCode(state)) != nil else { throw ValidationError("--state must be an ISO 3166-1 alpha-3 code in capitals, like FRA") }
    }

    func run() async throws {
        let code = try StateCode(state)
        try checkCountryCode(code)
        let service = try await data.openService()
        let invite = try await cli { () async throws(RelayFailure) in try await service.invite(state: code, role: role, lifetime: expires?.seconds) }
        let id = RelayService.invitationID(token: invite.token)
        print("Invitation \(id) for a \(role) POC of \(code), valid until \(invite.expiresAt). It works once.")
        print("List or withdraw it with `poc-relay invites`.")
        print(invite.token)
    }

    /// Exits 64 unless `code` is an assigned ISO 3166-1 alpha-3 code for a
    /// state's POC, or `UNO` for a custodian.
    private func checkCountryCode(_ code: StateCode) throws {
        if role == .custodian {
            guard code == .custodian else {
                throw usageError("custodians are invited with --state UNO, not '\(code)'", hint: "poc-relay invite --state UNO --role custodian")
            }
            return
        }
        if code == .custodian {
            throw usageError(
                "UNO is the custodians' code: a \(role) POC belongs to a state", hint: "for a custodian, use --role custodian")
        }
        guard code.isAssignedCountryCode else {
            let near = StateCode.assignedCodes(near: code.rawValue)
            let hint =
                near.isEmpty
                ? "use the state's ISO 3166-1 alpha-3 code, like FRA or DEU (custodians: UNO)"
                : "did you mean \(near.joined(separator: " or "))? (ISO 3166-1 alpha-3; custodians: UNO)"
            throw usageError("'\(code)' is not an ISO 3166-1 alpha-3 country code", hint: hint)
        }
    }
}

/// `poc-relay revoke`: removes a POC from the directory at once, once confirmed.
struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Revoke a POC: its entry leaves the directory and its sessions stop at once.",
        discussion: """
            On a terminal, shows the POC (id, state, role, status, entity) and asks [y/N]: only y revokes. Without a \
            terminal (a script), refuses with status 64 unless --yes. An unknown id is refused (64); a POC revoked \
            already is left as it is (0).

            Examples:
              poc-relay revoke --data-dir /var/lib/poc-relay FRA-TEC-1
              poc-relay revoke --yes FRA-DIP-2    (from a script)
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Flag(name: .shortAndLong, help: "Revoke without asking (needed when standard input is not a terminal).") var yes = false
    @Argument(help: "The POC id, e.g. FRA-TEC-1 (see `poc-relay pocs`).") var pocID: String

    func run() async throws {
        guard let id = try? POCID(pocID) else { throw ValidationError("\(pocID) is not a POC id") }
        let service = try await data.openService()
        guard let poc = try await cli({ () async throws(RelayFailure) in try await service.poc(id: id) }) else {
            throw usageError("no POC \(id) in this relay (`poc-relay pocs --all` lists them)")
        }
        if let revokedAt = poc.revokedAt {
            print("\(id) was already revoked, at \(Timestamp(revokedAt)); nothing to do.")
            return
        }
        if !yes {
            guard standardInputIsTerminal else {
                throw usageError("revoking \(id) needs a confirmation, and standard input is not a terminal", hint: "add --yes")
            }
            let entity = Pocs.Row.entity(of: poc)
            writeError("\(id): \(poc.role) POC of \(poc.state), \(poc.status), entity \"\(entity)\"\n")
            guard confirm("Revoke \(id)? Its entry leaves the directory and its sessions end at once; this cannot be undone.") else {
                writeError("Not revoked.\n")
                throw ExitCode(1)
            }
        }
        do {
            try await service.revoke(pocID: id)
        } catch {
            throw CLIError(error.problem.status == 404 ? "no POC \(id) in this relay" : error.problem.detail)
        }
        print("Revoked \(id).")
    }
}

/// `poc-relay states`: the participating states.
struct States: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List participating states and their active POCs by role.",
        discussion: """
            Examples:
              poc-relay states --data-dir /var/lib/poc-relay
              poc-relay states --format csv > states.csv
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "table, json or csv.") var format: OutputFormat = .table

    struct Row: Encodable {
        let state: String
        let diplomatic: Int
        let technical: Int
        let custodian: Int
        let joinedAt: String
        enum CodingKeys: String, CodingKey { case state, diplomatic, technical, custodian, joinedAt = "joined_at" }
    }

    func run() async throws {
        let service = try await data.openService()
        let rows = try await cli { () async throws(RelayFailure) in try await service.states() }.map {
            Row(
                state: $0.code, diplomatic: $0.activeDiplomatic, technical: $0.activeTechnical, custodian: $0.activeCustodian,
                joinedAt: Timestamp($0.joinedAt).description)
        }
        switch format {
        case .json: print(try prettyJSON(rows))
        case .csv:
            print("state,diplomatic,technical,custodian,joined_at")
            for r in rows { print("\(r.state),\(r.diplomatic),\(r.technical),\(r.custodian),\(r.joinedAt)") }
        case .table:
            print(
                table(
                    ["STATE", "DIPLOMATIC", "TECHNICAL", "CUSTODIAN", "JOINED"],
                    rows.map {
                        [$0.state, String($0.diplomatic), String($0.technical), String($0.custodian), $0.joinedAt]
                    }))
        }
    }
}

/// `poc-relay ping start|status`: liveness-ping campaigns (R8).
struct PingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ping", abstract: "Ping campaigns.",
        discussion: """
            Examples:
              poc-relay ping start --deadline 48h
              poc-relay ping status
            """,
        subcommands: [Start.self, PingStatusCommand.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ping every active diplomatic and technical POC now.",
            discussion: """
                Examples:
                  poc-relay ping start --data-dir /var/lib/poc-relay
                  poc-relay ping start --deadline 48h
                """)

        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "Time to answer: 48h, 7d, 30m.", transform: durationOption) var deadline: DurationArgument?

        func run() async throws {
            let service = try await data.openService()
            let result = try await cli { () async throws(RelayFailure) in try await service.startCampaign(deadline: deadline?.seconds) }
            print("Started \(result.campaignID): \(result.pinged) POCs pinged.")
        }
    }
}

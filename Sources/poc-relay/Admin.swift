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
        discussion: "The token is printed alone on the last line of standard output; send it to the POC through the state's permanent mission.")

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "The state's ISO 3166-1 alpha-3 code, e.g. FRA (custodians: UNO).") var state: String
    @Option(help: "diplomatic, technical or custodian.") var role: Role
    @Option(help: "How long the invitation works, e.g. 7d.") var expires: DurationArgument?

    func validate() throws {
        guard (try? StateCode(state)) != nil else { throw ValidationError("--state must be an ISO 3166-1 alpha-3 code in capitals, like FRA") }
    }

    func run() async throws {
        let service = try await data.openService()
        let code = try StateCode(state)
        let invite = try await cli { () async throws(RelayFailure) in try await service.invite(state: code, role: role, lifetime: expires?.seconds) }
        print("Invitation for a \(role) POC of \(code), valid until \(invite.expiresAt). It works once.")
        print(invite.token)
    }
}

/// `poc-relay revoke`: removes a POC from the directory at once.
struct Revoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Revoke a POC: its entry leaves the directory and its sessions stop at once.")

    @OptionGroup var data: DataDirectoryOptions
    @Argument(help: "The POC id, e.g. FRA-TEC-1.") var pocID: String

    func run() async throws {
        guard let id = try? POCID(pocID) else { throw ValidationError("\(pocID) is not a POC id") }
        let service = try await data.openService()
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
    static let configuration = CommandConfiguration(abstract: "List participating states and their active POCs by role.")

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
        commandName: "ping", abstract: "Ping campaigns.", subcommands: [Start.self, PingStatusCommand.self])

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ping every active diplomatic and technical POC now.")

        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "Time to answer, e.g. 48h.") var deadline: DurationArgument?

        func run() async throws {
            let service = try await data.openService()
            let result = try await cli { () async throws(RelayFailure) in try await service.startCampaign(deadline: deadline?.seconds) }
            print("Started \(result.campaignID): \(result.pinged) POCs pinged.")
        }
    }
}

import ArgumentParser
import CommandLineSupport
import Foundation
import RelayProtocol
import RelayService
import RelayStore

/// `poc-relay invites`: the outstanding invitations, and their withdrawal.
struct Invites: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List outstanding invitations, or withdraw one.",
        discussion: """
            An invitation's id is the first 12 hex digits of its token's SHA-256 (the relay keeps only the hash): \
            `poc-relay invite` prints it. Outstanding invitations are unused and unexpired; --all lists used, expired \
            and withdrawn ones too. A withdrawn invitation never works again.

            Examples:
              poc-relay invites --data-dir /var/lib/poc-relay
              poc-relay invites --all --format csv
              poc-relay invites --withdraw 3f2a9c0d1b4e
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Flag(help: "Used, expired and withdrawn invitations too.") var all = false
    @Option(help: "Withdraw the invitation with this id (12 hex digits).") var withdraw: String?
    @Option(help: "table, json or csv.") var format: OutputFormat = .table

    /// One invitation in JSON and CSV.
    struct Row: Encodable {
        let id: String
        let state: String
        let role: String
        let status: String
        let createdAt: String
        let expiresAt: String
        let usedBy: String?

        enum CodingKeys: String, CodingKey {
            case id, state, role, status, createdAt = "created_at", expiresAt = "expires_at", usedBy = "used_by"
        }

        init(_ invite: InviteRecord) {
            id = invite.id
            state = invite.state
            role = invite.role.rawValue
            status = invite.status.rawValue
            createdAt = Timestamp(invite.createdAt).description
            expiresAt = Timestamp(invite.expiresAt).description
            usedBy = invite.usedBy
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(state, forKey: .state)
            try container.encode(role, forKey: .role)
            try container.encode(status, forKey: .status)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(expiresAt, forKey: .expiresAt)
            try container.encode(usedBy, forKey: .usedBy)  // an explicit null
        }
    }

    func run() async throws {
        if let withdraw {
            let isID =
                withdraw.utf8.count == InviteRecord.idLength
                && withdraw.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
            guard isID else {
                throw usageError(
                    "'\(withdraw)' is not an invitation id", hint: "an id is 12 lowercase hex digits, as `poc-relay invites` lists them")
            }
            try await withdrawInvitation(withdraw)
            return
        }
        let service = try await data.openService()
        let rows = try await cli { () async throws(RelayFailure) in try await service.invitations(includeAll: all) }.map(Row.init)
        switch format {
        case .json: print(try prettyJSON(rows))
        case .csv:
            print("id,state,role,status,created_at,expires_at,used_by")
            for r in rows {
                print([r.id, r.state, r.role, r.status, r.createdAt, r.expiresAt, r.usedBy ?? ""].map(csvField).joined(separator: ","))
            }
        case .table where rows.isEmpty:
            print(all ? "no invitations in this relay" : "no outstanding invitations (--all adds the used, expired and withdrawn ones)")
        case .table:
            print(
                table(
                    ["ID", "STATE", "ROLE", "STATUS", "CREATED", "EXPIRES", "USED BY"],
                    rows.map { [$0.id, $0.state, $0.role, $0.status, $0.createdAt, $0.expiresAt, $0.usedBy ?? "-"] }))
        }
    }

    private func withdrawInvitation(_ id: String) async throws {
        let service = try await data.openService()
        let result: (invite: InviteRecord, withdrawn: Bool)
        do {
            result = try await service.withdrawInvitation(id: id)
        } catch {
            if error.problem.status == 404 { throw usageError("no invitation \(id) in this relay (`poc-relay invites --all` lists them)") }
            throw CLIError(error.problem.detail)
        }
        let invite = result.invite
        let what = "invitation \(id) (a \(invite.role) POC of \(invite.state))"
        if result.withdrawn {
            print("Withdrew \(what): it can no longer be used.")
            return
        }
        switch invite.status {
        case .used:
            let when = invite.usedAt.map { " at \(Timestamp($0))" } ?? ""
            print("The \(what) was already used, by \(invite.usedBy ?? "a POC")\(when); nothing to withdraw (revoke the POC instead).")
        case .withdrawn: print("The \(what) was already withdrawn; nothing to do.")
        case .expired: print("The \(what) already expired, at \(Timestamp(invite.expiresAt)); nothing to withdraw.")
        case .outstanding: print("The \(what) was used or withdrawn meanwhile; nothing to withdraw.")
        }
    }
}

import ArgumentParser
import CommandLineSupport
import Foundation
import RelayProtocol
import RelayService
import RelayStore

/// `poc-relay pocs`: the POC ids, which `revoke` takes.
struct Pocs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List POCs: id, state, role, status, entity, enrolment and latest ping.",
        discussion: """
            Active POCs only, unless --all (revoked ones too). LAST PING is the status of the POC's latest ping \
            (answered, late, missed or pending; see `poc-relay ping status`), or - when it was never pinged.

            Examples:
              poc-relay pocs --data-dir /var/lib/poc-relay
              poc-relay pocs --state FRA --all
              poc-relay pocs --role custodian --format json
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Only this state's POCs, e.g. FRA (custodians: UNO).") var state: String?
    @Option(help: "Only this role: diplomatic, technical or custodian.") var role: Role?
    @Flag(help: "Revoked POCs too.") var all = false
    @Option(help: "table, json or csv.") var format: OutputFormat = .table

    func validate() throws {
        if let state, (try? StateCode(state)) == nil {
            throw ValidationError("--state must be an ISO 3166-1 alpha-3 code in capitals, like FRA")
        }
    }

    func run() async throws {
        let service = try await data.openService()
        let listing = try await cli { () async throws(RelayFailure) in try await service.pocListing() }
        let rows = listing.pocs.filter { poc in
            (all || poc.isActive) && (state.map { poc.state == $0 } ?? true) && (role.map { poc.role == $0 } ?? true)
        }.sorted { $0.id < $1.id }.map { Row(poc: $0, lastPing: listing.lastPings[$0.id], now: listing.now) }
        switch format {
        case .json: print(try prettyJSON(rows))
        case .csv:
            print("poc_id,state,role,status,entity,enrolled_at,last_ping")
            for r in rows {
                print([r.pocID, r.state, r.role, r.status, r.entity, r.enrolledAt, r.lastPing ?? ""].map(csvField).joined(separator: ","))
            }
        case .table where rows.isEmpty:
            let which = [state.map { "of \($0)" }, role.map { "with role \($0.rawValue)" }].compactMap { $0 }.joined(separator: " ")
            print("no \(all ? "" : "active ")POCs\(which.isEmpty ? "" : " " + which)\(all ? "" : " (--all adds the revoked ones)")")
        case .table:
            print(
                table(
                    ["ID", "STATE", "ROLE", "STATUS", "ENTITY", "ENROLLED", "LAST PING"],
                    rows.map { [$0.pocID, $0.state, $0.role, $0.status, $0.entity, $0.enrolledAt, $0.lastPing ?? "-"] }))
        }
    }

    /// One line of `poc-relay pocs`.
    struct Row: Encodable {
        let pocID: String
        let state: String
        let role: String
        let status: String
        let entity: String
        let enrolledAt: String
        /// The status of the latest ping, `nil` when never pinged.
        let lastPing: String?

        enum CodingKeys: String, CodingKey {
            case pocID = "poc_id", state, role, status, entity, enrolledAt = "enrolled_at", lastPing = "last_ping"
        }

        init(poc: POCRecord, lastPing: PingRecord?, now: Date) {
            pocID = poc.id
            state = poc.state
            role = poc.role.rawValue
            status = poc.status.rawValue
            entity = Self.entity(of: poc)
            enrolledAt = Timestamp(poc.createdAt).description
            self.lastPing = lastPing.map { PingStatus(deadline: $0.deadline, answeredAt: $0.answeredAt, now: now).rawValue }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(pocID, forKey: .pocID)
            try container.encode(state, forKey: .state)
            try container.encode(role, forKey: .role)
            try container.encode(status, forKey: .status)
            try container.encode(entity, forKey: .entity)
            try container.encode(enrolledAt, forKey: .enrolledAt)
            try container.encode(lastPing, forKey: .lastPing)  // an explicit null
        }

        /// The entity named in the POC's entry, on one line; `?` when the stored entry cannot be read.
        static func entity(of poc: POCRecord) -> String {
            guard let details = try? JSONDecoder().decode(EntryDetails.self, from: Data(poc.entryJSON.utf8)) else { return "?" }
            return details.entity.split(whereSeparator: \.isNewline).joined(separator: " ")
        }
    }
}

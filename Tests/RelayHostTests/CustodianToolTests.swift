import Foundation
import RelayProtocol
import RelayService
import RelayTestSupport
import Sodium
import Testing

/// The custodian's listings and confirmations (`invites`, `pocs`, `revoke`,
/// refused state codes and durations), run as the real `poc-relay` binary.
@Suite("poc-relay custodian commands", .timeLimit(.minutes(1)))
struct CustodianToolTests {
    /// The rows of `pocs --format json`.
    struct POCRow: Decodable, Equatable {
        let pocID: String
        let state: String
        let role: String
        let status: String
        let entity: String
        let enrolledAt: String
        let lastPing: String?
        enum CodingKeys: String, CodingKey {
            case pocID = "poc_id", state, role, status, entity, enrolledAt = "enrolled_at", lastPing = "last_ping"
        }
    }

    /// The rows of `invites --format json`.
    struct InviteRow: Decodable, Equatable {
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
    }

    static func pocs(_ data: String, _ extra: [String] = [], in directory: TemporaryDirectory) async throws -> [POCRow] {
        let run = try await runCLI(["pocs", "--data-dir", data, "--format", "json"] + extra, in: directory.path)
        try #require(run.status == 0, "\(run)")
        return try JSONDecoder().decode([POCRow].self, from: Data(run.stdout.utf8))
    }

    static func invites(_ data: String, _ extra: [String] = [], in directory: TemporaryDirectory) async throws -> [InviteRow] {
        let run = try await runCLI(["invites", "--data-dir", data, "--format", "json"] + extra, in: directory.path)
        try #require(run.status == 0, "\(run)")
        return try JSONDecoder().decode([InviteRow].self, from: Data(run.stdout.utf8))
    }

    @Test("revoke shows the POC and asks on a terminal (default no); without one it needs --yes; unknown 64, revoked again 0")
    func revokeConfirms() async throws {
        try await withTemporaryDirectory { directory in
            try await CLITests.initialise(directory)
            let data = directory.file("data")
            try await withRelay(dataDirectory: data) { relay, api in
                _ = try await relay.enrol("FRA", .technical, api: api)
            }
            let revoke = ["revoke", "--data-dir", data, "FRA-TEC-1"]

            let piped = try await runCLI(revoke, in: directory.path)
            #expect(piped.status == 64, "\(piped)")
            #expect(piped.stderrLines.last == "poc-relay: hint: add --yes", "\(piped)")
            #expect(try await Self.pocs(data, in: directory).map(\.status) == ["active"])

            for answer in ["n", "", "whatever"] {
                let declined = try await runCLIOnTerminal(revoke, in: directory.path, typing: answer, after: "[y/N]")
                #expect(!declined.timedOut && declined.status != 0, "\(declined)")
                #expect(declined.output.contains("FRA-TEC-1: technical POC of FRA, active, entity \"FRA technical team\""), "\(declined)")
                #expect(declined.output.contains("Not revoked."), "\(declined)")
                #expect(try await Self.pocs(data, in: directory).map(\.status) == ["active"], "answer '\(answer)' revoked")
            }

            let accepted = try await runCLIOnTerminal(revoke, in: directory.path, typing: "y", after: "[y/N]")
            #expect(accepted.status == 0, "\(accepted)")
            #expect(accepted.output.contains("Revoked FRA-TEC-1."), "\(accepted)")
            #expect(try await Self.pocs(data, ["--all"], in: directory).map(\.status) == ["revoked"])

            let again = try await runCLI(revoke + ["--yes"], in: directory.path)
            #expect(again.status == 0, "\(again)")
            #expect(again.stdout.contains("FRA-TEC-1 was already revoked"), "\(again)")
            let againOnTerminal = try await runCLIOnTerminal(revoke, in: directory.path, typing: nil, after: "")
            #expect(againOnTerminal.status == 0 && !againOnTerminal.output.contains("[y/N]"), "\(againOnTerminal)")

            let unknown = try await runCLI(["revoke", "--data-dir", data, "--yes", "FRA-TEC-9"], in: directory.path)
            #expect(unknown.status == 64, "\(unknown)")
            #expect(unknown.stderrLines.count == 1 && unknown.stderr.contains("no POC FRA-TEC-9"), "\(unknown)")
        }
    }

    @Test("invite prints the invitation id; invites lists the outstanding ones, --withdraw makes one unusable, --all shows all")
    func invitesListAndWithdraw() async throws {
        try await withTemporaryDirectory { directory in
            try await CLITests.initialise(directory)
            let data = directory.file("data")
            var ids: [String] = []
            var tokens: [String] = []
            for (state, role) in [("FRA", "technical"), ("DEU", "diplomatic")] {
                let run = try await runCLI(["invite", "--data-dir", data, "--state", state, "--role", role], in: directory.path)
                try #require(run.status == 0, "\(run)")
                let id = try #require(run.stdout.firstMatch(of: /Invitation ([0-9a-f]{12}) for a/), "\(run)")
                let token = try #require(run.stdoutLines.last)
                #expect(String(id.1) == String(SHA256.hash(Data(token.utf8)).lowercaseHex.prefix(12)))
                ids.append(String(id.1))
                tokens.append(token)
            }
            let listed = try await Self.invites(data, in: directory)
            #expect(listed.map(\.id) == ids)
            #expect(listed.map(\.status) == ["outstanding", "outstanding"])
            #expect(listed.map { "\($0.state) \($0.role)" } == ["FRA technical", "DEU diplomatic"])
            let table = try await runCLI(["invites", "--data-dir", data], in: directory.path)
            #expect(
                table.stdoutLines.first?.split(separator: " ") == ["ID", "STATE", "ROLE", "STATUS", "CREATED", "EXPIRES", "USED", "BY"],
                "\(table)")
            #expect(table.stdout.contains(ids[0]) && !table.stdout.contains("poc-invite-"), "\(table)")
            let csv = try await runCLI(["invites", "--data-dir", data, "--format", "csv"], in: directory.path)
            #expect(csv.stdoutLines.first == "id,state,role,status,created_at,expires_at,used_by", "\(csv)")

            let withdraw = try await runCLI(["invites", "--data-dir", data, "--withdraw", ids[0]], in: directory.path)
            #expect(withdraw.status == 0, "\(withdraw)")
            #expect(withdraw.stdout.contains("Withdrew invitation \(ids[0])"), "\(withdraw)")
            #expect(try await Self.invites(data, in: directory).map(\.id) == [ids[1]])
            #expect(try await Self.invites(data, ["--all"], in: directory).map(\.status) == ["withdrawn", "outstanding"])
            let twice = try await runCLI(["invites", "--data-dir", data, "--withdraw", ids[0]], in: directory.path)
            #expect(twice.status == 0 && twice.stdout.contains("already withdrawn"), "\(twice)")

            let withdrawnToken = tokens[0], outstandingToken = tokens[1]
            let enrolled = try await withRelay(dataDirectory: data) { _, api in
                await expectStatus(401) { try await enrol(token: withdrawnToken, state: "FRA", role: .technical, api: api) }
                return try await enrol(token: outstandingToken, state: "DEU", role: .diplomatic, api: api)
            }
            #expect(enrolled.id.rawValue == "DEU-DIP-1")
            let used = try await runCLI(["invites", "--data-dir", data, "--withdraw", ids[1]], in: directory.path)
            #expect(used.status == 0 && used.stdout.contains("already used, by DEU-DIP-1"), "\(used)")
            #expect(try await Self.invites(data, in: directory).isEmpty)
            #expect(try await Self.invites(data, ["--all"], in: directory).map(\.usedBy) == [nil, "DEU-DIP-1"])

            let unknown = try await runCLI(["invites", "--data-dir", data, "--withdraw", "0123456789ab"], in: directory.path)
            #expect(unknown.status == 64 && unknown.stderr.contains("no invitation 0123456789ab"), "\(unknown)")
            let malformed = try await runCLI(["invites", "--data-dir", data, "--withdraw", "poc-invite-1"], in: directory.path)
            #expect(malformed.status == 64 && malformed.stderrLines.last?.hasPrefix("poc-relay: hint:") == true, "\(malformed)")
        }
    }

    @Test("pocs lists ids with state, role, status, entity, enrolment and latest ping; --state, --role and --all filter")
    func pocsList() async throws {
        try await withTemporaryDirectory { directory in
            try await CLITests.initialise(directory)
            let data = directory.file("data")
            try await withRelay(dataDirectory: data) { relay, api in
                for (state, role) in [("FRA", Role.technical), ("FRA", .diplomatic), ("DEU", .technical), ("UNO", .custodian)] {
                    _ = try await relay.enrol(state, role, api: api)
                }
            }
            #expect(try await runCLI(["revoke", "--data-dir", data, "--yes", "DEU-TEC-1"], in: directory.path).status == 0)
            #expect(try await runCLI(["ping", "start", "--data-dir", data], in: directory.path).status == 0)

            let active = try await Self.pocs(data, in: directory)
            #expect(active.map(\.pocID) == ["CUSTODIAN-1", "FRA-DIP-1", "FRA-TEC-1"])
            #expect(active.map(\.lastPing) == [nil, "pending", "pending"])
            #expect(active.map(\.entity) == ["UNO custodian team", "FRA diplomatic team", "FRA technical team"])
            for row in active { #expect(row.enrolledAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil, "\(row)") }
            let all = try await Self.pocs(data, ["--all"], in: directory)
            #expect(all.map { "\($0.pocID) \($0.status)" } == ["CUSTODIAN-1 active", "DEU-TEC-1 revoked", "FRA-DIP-1 active", "FRA-TEC-1 active"])
            #expect(try await Self.pocs(data, ["--state", "FRA", "--role", "technical"], in: directory).map(\.pocID) == ["FRA-TEC-1"])
            #expect(try await Self.pocs(data, ["--state", "DEU"], in: directory).isEmpty)

            let table = try await runCLI(["pocs", "--data-dir", data], in: directory.path)
            #expect(table.stdoutLines.first?.split(separator: " ") == ["ID", "STATE", "ROLE", "STATUS", "ENTITY", "ENROLLED", "LAST", "PING"])
            #expect(table.stdoutLines.count == 4, "\(table)")
            let csv = try await runCLI(["pocs", "--data-dir", data, "--format", "csv", "--state", "UNO"], in: directory.path)
            #expect(csv.stdoutLines == ["poc_id,state,role,status,entity,enrolled_at,last_ping", csv.stdoutLines.last ?? ""], "\(csv)")
            #expect(csv.stdoutLines.last?.hasPrefix("CUSTODIAN-1,UNO,custodian,active,UNO custodian team,") == true, "\(csv)")
        }
    }

    /// A state code `invite` refuses, and what its hint names.
    struct RefusedState: Sendable, CustomTestStringConvertible {
        let state: String
        let role: String
        let error: String
        let hint: String
        var testDescription: String { "\(state) \(role)" }
    }

    static let refusedStates: [RefusedState] = [
        RefusedState(state: "FRX", role: "technical", error: "'FRX' is not an ISO 3166-1 alpha-3 country code", hint: "FRA"),
        RefusedState(state: "ZZZ", role: "diplomatic", error: "'ZZZ' is not an ISO 3166-1 alpha-3 country code", hint: "UNO"),
        RefusedState(state: "UNO", role: "technical", error: "UNO is the custodians' code", hint: "--role custodian"),
        RefusedState(state: "FRA", role: "custodian", error: "custodians are invited with --state UNO", hint: "--state UNO"),
    ]

    @Test("invite refuses a code that is not ISO 3166-1 alpha-3 (custodians UNO only): 64, the error and a hint", arguments: refusedStates)
    func inviteRefusesState(_ refused: RefusedState) async throws {
        try await withTemporaryDirectory { directory in
            try await CLITests.initialise(directory)
            let data = directory.file("data")
            let run = try await runCLI(["invite", "--data-dir", data, "--state", refused.state, "--role", refused.role], in: directory.path)
            #expect(run.status == 64, "\(run)")
            #expect(run.stdout.isEmpty, "\(run)")
            #expect(run.stderrLines.count == 2, "\(run)")
            #expect(run.stderrLines.first?.hasPrefix("poc-relay: error: \(refused.error)") == true, "\(run)")
            #expect(run.stderrLines.last?.hasPrefix("poc-relay: hint: ") == true, "\(run)")
            #expect(run.stderrLines.last?.contains(refused.hint) == true, "\(run)")
            #expect(try await Self.invites(data, ["--all"], in: directory).isEmpty)
        }
    }

    @Test("the ISO 3166-1 list: 249 codes of three capitals, without UNO; near codes are one letter away")
    func countryCodes() throws {
        #expect(StateCode.assignedCountryCodes.count == 249)
        #expect(StateCode.assignedCountryCodes.allSatisfy { (try? StateCode($0)) != nil })
        for code in ["FRA", "DEU", "KOR", "USA", "CHN", "RUS", "GBR", "PSE", "VAT", "SSD", "ATA"] {
            #expect(try StateCode(code).isAssignedCountryCode, "\(code)")
        }
        for code in ["UNO", "EUR", "XKX", "AAA", "ZZZ", "FRX", "SUN", "YUG"] { #expect(try !StateCode(code).isAssignedCountryCode, "\(code)") }
        #expect(StateCode.assignedCodes(near: "FRX") == ["FRA", "FRO"])
    }

    @Test(
        "a refused duration names the format",
        arguments: [["invite", "--state", "FRA", "--role", "technical", "--expires", "7days"], ["ping", "start", "--deadline", "2 days"]])
    func durationFormat(_ arguments: [String]) async throws {
        try await withTemporaryDirectory { directory in
            try await CLITests.initialise(directory)
            let run = try await runCLI(arguments + ["--data-dir", directory.file("data")], in: directory.path)
            #expect(run.status == 64, "\(run)")
            #expect(run.stderrLines.count == 1, "\(run)")
            #expect(run.stderr.contains(arguments.last!) && run.stderr.contains("30m, 48h or 7d"), "\(run)")
            #expect(!run.stdout.contains("poc-invite-"), "\(run)")
        }
    }

    @Test("serve --help and the tool's examples name the stored ping schedule and ping status")
    func helpMentionsSchedule() async throws {
        try await withTemporaryDirectory { directory in
            let serve = try await runCLI(["serve", "--help"], in: directory.path)
            #expect(serve.status == 0, "\(serve)")
            let text = serve.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(text.contains("`poc-relay ping status` shows the latest campaign"), "\(serve)")
            #expect(text.contains("a schedule that is kept in the store"), "\(serve)")
            let root = try await runCLI(["--help"], in: directory.path)
            for line in ["poc-relay ping status", "poc-relay invites", "poc-relay pocs", "serve --http --ping-every 182d"] {
                #expect(root.stdout.contains(line), "\(line): \(root)")
            }
        }
    }
}

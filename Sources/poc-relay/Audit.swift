import ArgumentParser
import CommandLineSupport
import Foundation
import RelayProtocol
import RelayServer
import RelayService

/// `poc-relay audit pings|delivery`: the custodian's figures (R8, R17).
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ping compliance and delivery figures. Never message content: the relay has none.",
        discussion: """
            Examples:
              poc-relay audit pings --format csv
              poc-relay audit delivery
            """,
        subcommands: [Pings.self, Delivery.self])

    struct Pings: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ping status per campaign, states to follow up, compliance per state.",
            discussion: """
                Examples:
                  poc-relay audit pings --data-dir /var/lib/poc-relay
                  poc-relay audit pings --format csv > pings.csv
                """)
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "table, json or csv.") var format: OutputFormat = .table

        func run() async throws {
            let service = try await data.openService()
            let audit = try await cli { () async throws(RelayFailure) in try await service.pingAudit(for: nil) }
            switch format {
            case .json: print(try prettyJSON(audit))
            case .csv:
                print("campaign_id,issued_at,deadline,poc_id,state,role,status,answered_at,latency_s")
                for c in audit.campaigns {
                    for p in c.pings {
                        print(
                            [
                                c.campaignID, c.issuedAt.description, c.deadline.description, p.pocID.rawValue, p.state.rawValue,
                                p.role.rawValue, p.status.rawValue, p.answeredAt?.description ?? "", p.latencyS.map(String.init) ?? "",
                            ]
                            .map(csvField).joined(separator: ","))
                    }
                }
            case .table:
                for c in audit.campaigns {
                    print("Campaign \(c.campaignID): issued \(c.issuedAt), deadline \(c.deadline)")
                    print(
                        table(
                            ["POC", "STATE", "ROLE", "STATUS", "ANSWERED", "LATENCY"],
                            c.pings.map {
                                [
                                    $0.pocID.rawValue, $0.state.rawValue, $0.role.rawValue, $0.status.rawValue, $0.answeredAt?.description ?? "-",
                                    $0.latencyS.map { "\($0)s" } ?? "-",
                                ]
                            }))
                    print("")
                }
                if audit.campaigns.isEmpty { print("No ping campaign yet. Start one with `poc-relay ping start`.") }
                if audit.followUp.isEmpty {
                    print("Follow-up: none.")
                } else {
                    print("Follow up with the authorities of:")
                    for f in audit.followUp { print("  \(f.state): \(f.pocIDs.map(\.rawValue).joined(separator: ", ")) missed the latest ping") }
                }
            }
        }
    }

    struct Delivery: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Messages and receipts per urgency (exercise apart), and overdue messages.",
            discussion: """
                Lateness is judged against the receipt windows of serve's config file when given with --config \
                (receipt_window_seconds), else the defaults of docs/protocol.md section 7, as the relay itself does.

                Examples:
                  poc-relay audit delivery --data-dir /var/lib/poc-relay
                  poc-relay audit delivery --config /etc/poc-relay/config.json
                  poc-relay audit delivery --format json
                """)
        @OptionGroup var data: DataDirectoryOptions
        @Option(help: "table, json or csv.") var format: OutputFormat = .table
        @Option(help: "serve's JSON config file, for its receipt windows.") var config: String?

        func run() async throws {
            let file = try config.map(RelayConfigFile.load) ?? RelayConfigFile()
            let service = try await data.openService(configuration: file.serverConfiguration().service)
            let audit = try await cli { () async throws(RelayFailure) in try await service.deliveryAudit(for: nil) }
            switch format {
            case .json: print(try prettyJSON(audit))
            case .csv:
                print("urgency,exercise,accepted,deliveries,receipted,median_receipt_s,p95_receipt_s,late,escalated")
                for r in audit.byUrgency {
                    print(
                        "\(r.urgency),\(r.exercise),\(r.accepted),\(r.deliveries),\(r.receipted),\(r.medianReceiptS.map(String.init) ?? ""),\(r.p95ReceiptS.map(String.init) ?? ""),\(r.late),\(r.escalated)"
                    )
                }
            case .table:
                print(
                    table(
                        ["URGENCY", "TRAFFIC", "ACCEPTED", "DELIVERIES", "RECEIPTED", "MEDIAN", "P95", "LATE", "ESCALATED"],
                        audit.byUrgency.map {
                            [
                                $0.urgency.rawValue, $0.exercise ? "EXERCISE" : "real", String($0.accepted), String($0.deliveries),
                                String($0.receipted),
                                $0.medianReceiptS.map { "\($0)s" } ?? "-", $0.p95ReceiptS.map { "\($0)s" } ?? "-", String($0.late),
                                String($0.escalated),
                            ]
                        }))
                if !audit.alerts.isEmpty {
                    print("\nAlerts (section 10):")
                    print(
                        table(
                            ["REASON", "CHANNEL", "SENT", "FAILED", "PENDING"],
                            audit.alerts.map { [$0.reason.rawValue, $0.channel.rawValue, String($0.sent), String($0.failed), String($0.pending)] }))
                }
                if !audit.undelivered.isEmpty {
                    print("\nUnacknowledged past their receipt window:")
                    for u in audit.undelivered {
                        print(
                            "  \(u.id) \(u.urgency)\(u.exercise ? " EXERCISE" : "") from \(u.from) to \(u.to.map(\.rawValue).joined(separator: ",")) accepted \(u.acceptedAt)"
                        )
                    }
                }
            }
        }
    }
}

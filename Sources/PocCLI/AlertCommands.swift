import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import RelayProtocol

/// `poc alerts`: this POC's out-of-band alert channels (section 10).
struct Alerts: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show or set how the relay reaches you outside poc when an urgent message waits.",
        discussion: """
            An alert says only that something waits: its urgency, whether it is an exercise, how many \
            messages wait, never a subject, a body or a key. The relay alerts your channels when a message \
            of one of your urgencies is still unfetched a while after it arrived, and alerts the other POCs \
            of your state when its receipt window ends without a receipt (escalation).

            Examples:
              poc alerts
              poc alerts set --email duty@cert.example --webhook https://cert.example/hook
              poc alerts set --urgencies flash,immediate,priority
              poc alerts set --webhook none
              poc alerts test
            """,
        subcommands: [Show.self, SetChannels.self, Test.self], defaultSubcommand: Show.self)

    /// `poc alerts show` (the default).
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show your alert channels, your urgencies, and how each channel fared.",
            discussion: """
                Per channel: its status (working, failing, untested, or unset with alerts still pending), \
                when it last took an alert, its last failure with the time and the reason, and the alerts \
                still pending (being retried).

                Examples:
                  poc alerts
                  poc alerts --format json
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "text or json.") var format: ListFormat = .text

        func run() async throws {
            try await global.withClient { client in
                let overview = try await client.alerts()
                let environment = global.environment
                if format == .json {
                    environment.write(try prettyJSON(AlertsJSON(overview)))
                    return
                }
                for line in Alerts.settingsLines(overview.settings) { environment.write(line) }
                if !overview.channels.isEmpty {
                    environment.write("")
                    var rows = [["CHANNEL", "STATUS", "LAST SENT", "LAST FAILURE", "PENDING"]]
                    for channel in overview.channels {
                        rows.append([
                            channel.channel.rawValue, channel.health.rawValue, channel.lastSentAt?.description ?? "never",
                            Alerts.failureText(channel), String(channel.pending),
                        ])
                    }
                    for line in columns(rows) { environment.write(line) }
                }
                if overview.isUnreachable {
                    environment.error("poc: hint: no alert channel is set: nothing tells you outside poc that a message waits")
                    environment.error("poc: hint: set one with `poc alerts set --email duty@cert.example`")
                }
            }
        }
    }

    /// `poc alerts set`.
    struct SetChannels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Change your alert channels or urgencies; what you leave out stays as it is.",
            discussion: """
                --email and --webhook take none (or an empty value) to unset the channel. The relay checks \
                every value: one address local@domain of at most 254 characters, an https:// URL to a public \
                address, at least one urgency. A refused value changes nothing (exit 65).

                Examples:
                  poc alerts set --email duty@cert.example
                  poc alerts set --webhook https://alerts.cert.example/poc
                  poc alerts set --urgencies flash,immediate
                  poc alerts set --email none
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("An e-mail address for alerts, or none.", valueName: "address")) var email: String?
        @Option(help: ArgumentHelp("An https:// URL that receives signed alerts, or none.", valueName: "url")) var webhook: String?
        @Option(help: ArgumentHelp("The urgencies that alert, comma-separated (default flash,immediate).", valueName: "list"))
        var urgencies: String?

        func run() async throws {
            guard email != nil || webhook != nil || urgencies != nil else {
                throw PocError.usage("give at least one of --email, --webhook or --urgencies", hint: "see `poc alerts set --help`")
            }
            let change = try AlertsChange(email: email, webhook: webhook, urgencies: urgencies)
            try await global.withClient { client in
                let stored = try await client.setAlerts(change)
                let environment = global.environment
                environment.write("alert channels set")
                for line in Alerts.settingsLines(stored) { environment.write(line) }
                if !stored.channels.isEmpty {
                    environment.error("poc: hint: check they reach you with `poc alerts test`")
                }
            }
        }
    }

    /// `poc alerts test`.
    struct Test: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a test alert to every channel you set, and say which took it.",
            discussion: """
                Exit status: 0 when every channel took the test alert, 69 when any failed (the reason is \
                printed, and `poc alerts` keeps it), 1 when no channel is set.

                Examples:
                  poc alerts test
                """)
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            try await global.withClient { client in
                let report = try await client.testAlerts()
                let environment = global.environment
                for channel in report.sent { environment.write("\(channel.rawValue): sent") }
                for channel in report.failed { environment.write("\(channel.channel.rawValue): FAILED (\(Alerts.failureText(channel)))") }
                guard report.allSent else {
                    let names = report.failed.map(\.channel.rawValue).joined(separator: " and ")
                    throw PocError(
                        "the test alert did not reach your \(names)",
                        hint: "check the address or URL and the service behind it, then run `poc alerts test` again",
                        status: .unavailable)
                }
            }
        }
    }

    /// The three lines of the settings.
    static func settingsLines(_ settings: AlertSettings) -> [String] {
        columns([
            ["email", settings.email ?? "not set"],
            ["webhook", settings.webhook ?? "not set"],
            ["urgencies", settings.urgencies.map(\.rawValue).joined(separator: ", ")],
        ])
    }

    /// `2026-12-02T10:00:00Z: HTTP 500`, or `never`.
    static func failureText(_ channel: AlertsOverview.Channel) -> String {
        switch (channel.lastFailureAt, channel.lastFailure) {
        case (nil, nil): "never"
        case (let at?, let why?): "\(at): \(why)"
        case (let at?, nil): at.description
        case (nil, let why?): why
        }
    }
}

/// `poc alerts --format json`.
struct AlertsJSON: Encodable {
    struct Channel: Encodable {
        let channel: String
        let target: String?
        let lastSentAt: String?
        let lastFailureAt: String?
        let lastFailure: String?
        let pending: Int
        enum CodingKeys: String, CodingKey {
            case channel, target, lastSentAt = "last_sent_at", lastFailureAt = "last_failure_at", lastFailure = "last_failure", pending
        }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(channel, forKey: .channel)
            try c.encode(target, forKey: .target)
            try c.encode(lastSentAt, forKey: .lastSentAt)
            try c.encode(lastFailureAt, forKey: .lastFailureAt)
            try c.encode(lastFailure, forKey: .lastFailure)
            try c.encode(pending, forKey: .pending)
        }
    }
    let email: String?
    let webhook: String?
    let urgencies: [String]
    let channels: [Channel]

    init(_ overview: AlertsOverview) {
        email = overview.settings.email
        webhook = overview.settings.webhook
        urgencies = overview.settings.urgencies.map(\.rawValue)
        channels = overview.channels.map {
            Channel(
                channel: $0.channel.rawValue, target: $0.target, lastSentAt: $0.lastSentAt?.description,
                lastFailureAt: $0.lastFailureAt?.description, lastFailure: $0.lastFailure, pending: $0.pending)
        }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(email, forKey: .email)
        try c.encode(webhook, forKey: .webhook)
        try c.encode(urgencies, forKey: .urgencies)
        try c.encode(channels, forKey: .channels)
    }
    enum CodingKeys: String, CodingKey { case email, webhook, urgencies, channels }
}

import ArgumentParser

/// `poc-relay`: the custodian's host tool, in the spirit of `prosodyctl`.
@main
struct PocRelay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "poc-relay",
        abstract: "Run and administer a POC Relay: the secure relay of the UN points-of-contact directory.",
        discussion: """
            Every command takes --data-dir (default ./data) and works while the relay is serving.
            Durations are written like 90s, 15m, 48h, 7d.

            Examples:
              poc-relay init --data-dir /var/lib/poc-relay
              poc-relay serve --data-dir /var/lib/poc-relay --host 0.0.0.0 --tls-cert fullchain.pem --tls-key privkey.pem
              poc-relay invite --state FRA --role technical --expires 7d
              poc-relay ping start --deadline 48h
              poc-relay audit pings --format csv
            """,
        subcommands: [
            Init.self, Serve.self, Invite.self, Revoke.self, States.self, PingCommand.self, Audit.self,
        ]
    )
}

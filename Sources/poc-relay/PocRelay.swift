import ArgumentParser
import CommandLineSupport
import Foundation

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
              poc-relay serve --host 0.0.0.0 --tls-cert fullchain.pem --tls-key privkey.pem
              poc-relay serve --http --ping-every 182d
              poc-relay invite --state FRA --role technical --expires 7d
              poc-relay invites --withdraw 3f2a9c0d1b4e
              poc-relay pocs --state FRA
              poc-relay revoke FRA-TEC-1
              poc-relay ping start --deadline 48h
              poc-relay ping status
              poc-relay audit pings --format csv
              poc-relay backup --data-dir /var/lib/poc-relay --to /backup/2026-11-22
              poc-relay check --data-dir /var/lib/poc-relay --tls-cert fullchain.pem
            """,
        version: ToolVersion.line,
        subcommands: [
            Init.self, Serve.self, Invite.self, Invites.self, Pocs.self, Revoke.self, States.self, PingCommand.self, Audit.self,
            Backup.self, Restore.self, Check.self, Health.self,
        ]
    )

    /// Runs the command; any failure is one `poc-relay: error: ...` line on
    /// standard error and a non-zero exit (64 for usage errors). A command
    /// that throws `ExitCode` has printed its own output and exits with it.
    static func main() async {
        // Everything a command creates (store, logs, backups, keys) is for the
        // service account alone, whatever the caller's umask.
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)  // the command printed its own findings
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            writeError("poc-relay: error: \(oneLine(message(for: error)))\n")
            Foundation.exit(code.rawValue)
        }
    }
}

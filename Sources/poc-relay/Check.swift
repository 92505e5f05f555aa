import ArgumentParser
import Foundation
import NIOSSL
import RelayProtocol
import RelayService
import RelayStore
import Sodium

/// `poc-relay check`: the health of a data directory, for people and for monitoring.
struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a data directory: store integrity, schema, key file, and the TLS certificate's expiry.",
        discussion: """
            Prints what is fine on standard output ("ok: ...") and one line per finding on standard error \
            ("poc-relay: problem: ..." or "poc-relay: warning: ..."). Never writes to the store; safe while serving. \
            Exit status (as monitoring plugins): 0 all fine, 1 warnings only, 2 at least one problem, 64 usage.

            Checks: the store opens and passes integrity_check and foreign_key_check; its migrations are all \
            known to this binary (a newer one is a problem; pending ones are applied by the next serve); \
            relay.key and relay.sqlite belong to the data directory's owner and relay.key is mode 0600 (or 0400); \
            the certificate of --tls-cert is valid now and for more than --warn-days days.

            Examples:
              poc-relay check --data-dir /var/lib/poc-relay
              poc-relay check --tls-cert /etc/ssl/poc-relay/fullchain.pem --warn-days 30
            """)

    @OptionGroup var data: DataDirectoryOptions
    @Option(help: "Also check this TLS certificate chain (PEM): the first certificate's validity.") var tlsCert: String?
    @Option(help: "Warn when the certificate expires within this many days.") var warnDays: Int = 30

    /// What the check found.
    struct Findings {
        var ok: [String] = []
        var warnings: [String] = []
        var problems: [String] = []
    }

    func run() async throws {
        var findings = Findings()
        await check(&findings)
        for line in findings.ok { print("ok: \(line)") }
        for line in findings.problems { writeError("poc-relay: problem: \(line)\n") }
        for line in findings.warnings { writeError("poc-relay: warning: \(line)\n") }
        if !findings.problems.isEmpty { throw ExitCode(2) }
        if !findings.warnings.isEmpty { throw ExitCode(1) }
    }

    func check(_ findings: inout Findings) async {
        var folder = stat()
        guard stat(data.dataDir, &folder) == 0, folder.st_mode & S_IFMT == S_IFDIR else {
            findings.problems.append("\(data.dataDir) is not a data directory (run `poc-relay init --data-dir \(data.dataDir)`)")
            checkCertificate(&findings)
            return
        }
        if folder.st_mode & 0o077 != 0 {
            findings.warnings.append(
                "\(data.dataDir) is mode \(octal(folder.st_mode)): other users can list it; run `chmod 700 \(data.dataDir)`")
        }
        checkKey(&findings, owner: folder.st_uid)
        await checkStore(&findings, owner: folder.st_uid)
        checkCertificate(&findings)
    }

    func checkKey(_ findings: inout Findings, owner: uid_t) {
        var info = stat()
        guard lstat(data.keyPath, &info) == 0 else {
            findings.problems.append("\(data.keyPath) is missing: the relay cannot start without its signing key")
            return
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            findings.problems.append("\(data.keyPath) is not a regular file")
            return
        }
        var fine = true
        if info.st_mode & 0o077 != 0 {
            fine = false
            findings.problems.append("\(data.keyPath) is mode \(octal(info.st_mode)): other users can read it; run `chmod 600 \(data.keyPath)`")
        }
        if info.st_uid != owner {
            fine = false
            findings.problems.append(
                "\(data.keyPath) belongs to uid \(info.st_uid), not to the data directory's owner (uid \(owner)) that runs the relay; "
                    + "run `chown \(owner) \(data.keyPath)`")
        }
        guard fine else { return }
        do {
            let key = try RelayKeyFile.load(from: data.keyPath)
            findings.ok.append("relay.key mode \(octal(info.st_mode)), owner uid \(info.st_uid), relay id \(Fingerprint(of: key.publicKey).compact)")
        } catch {
            findings.problems.append("\(error)")
        }
    }

    func checkStore(_ findings: inout Findings, owner: uid_t) async {
        var info = stat()
        guard stat(data.storePath, &info) == 0 else {
            findings.problems.append("\(data.storePath) is missing: no relay store in \(data.dataDir)")
            return
        }
        for name in Files.contents(of: data.dataDir) where name.hasPrefix(BackupLayout.store) {
            let path = BackupLayout.path(data.dataDir, name)
            var file = stat()
            if stat(path, &file) == 0, file.st_uid != owner {
                findings.problems.append(
                    "\(path) belongs to uid \(file.st_uid), not to the data directory's owner (uid \(owner)): the relay cannot write it; "
                        + "run `chown \(owner) \(path)`")
            }
        }
        if info.st_mode & 0o077 != 0 {
            findings.warnings.append(
                "\(data.storePath) is mode \(octal(info.st_mode)): only the data directory's mode keeps other users from its routing metadata; "
                    + "run `chmod 600 \(data.storePath)`")
        }
        let store: RelayStore
        do { store = try RelayStore(path: data.storePath, access: .readOnly) } catch {
            findings.problems.append("\(data.storePath) cannot be opened: \(storeReason(error))")
            return
        }
        defer { try? store.close() }
        do {
            let unknown = try await store.unknownMigrations()
            let applied = try await store.appliedMigrations()
            let known = RelayStore.knownMigrations
            if !unknown.isEmpty {
                findings.problems.append(
                    "\(data.storePath) is newer than this poc-relay: it holds migrations \(unknown.joined(separator: ", ")) "
                        + "that this binary (which knows \(known.joined(separator: ", "))) does not; serve refuses it: run that version or newer")
            } else {
                let pending = known.filter { !applied.contains($0) }
                findings.ok.append(
                    "schema \(applied.joined(separator: ", "))"
                        + (pending.isEmpty ? ", as this binary" : "; \(pending.joined(separator: ", ")) pending, applied by the next serve"))
            }
            if applied.contains("v3-alerts") { await checkAlerts(&findings, store: store) }
            let integrity = try await store.integrityCheck()
            if integrity == "ok" {
                findings.ok.append("store integrity (integrity_check, foreign_key_check)")
            } else {
                let lines = integrity.split(separator: "\n").map(String.init)
                for line in lines.prefix(10) { findings.problems.append("\(data.storePath) integrity: \(line)") }
                if lines.count > 10 { findings.problems.append("\(data.storePath) integrity: \(lines.count - 10) more findings") }
            }
        } catch {
            findings.problems.append("\(data.storePath) cannot be read: \(storeReason(error))")
        }
    }

    /// Warns when alerts are failing: some being retried after a failed
    /// attempt, or some given up in the last day (section 10).
    func checkAlerts(_ findings: inout Findings, store: RelayStore) async {
        do {
            let failures = try await store.alertFailures(since: Date().addingTimeInterval(-86_400))
            if failures.retrying == 0 && failures.givenUp == 0 {
                findings.ok.append("alerts: none failing")
                return
            }
            var parts: [String] = []
            if failures.retrying > 0 { parts.append("\(failures.retrying) being retried after a failed attempt") }
            if failures.givenUp > 0 { parts.append("\(failures.givenUp) given up in the last 24 hours") }
            findings.warnings.append(
                "alerts are failing: \(parts.joined(separator: ", ")); check the relay's log (\"alert failed\") and the sendmail "
                    + "program or the POCs' webhooks; `poc-relay audit delivery` counts them")
        } catch {
            findings.warnings.append("alerts cannot be read: \(storeReason(error))")
        }
    }

    func checkCertificate(_ findings: inout Findings) {
        guard let tlsCert else { return }
        let leaf: NIOSSLCertificate
        do {
            guard let first = try NIOSSLCertificate.fromPEMFile(tlsCert).first else {
                findings.problems.append("\(tlsCert) holds no PEM certificate")
                return
            }
            leaf = first
        } catch {
            findings.problems.append("\(tlsCert) cannot be read as a PEM certificate chain")
            return
        }
        let now = Date().timeIntervalSince1970
        let notBefore = TimeInterval(leaf.notValidBefore), notAfter = TimeInterval(leaf.notValidAfter)
        let expiry = Timestamp(Date(timeIntervalSince1970: notAfter))
        let daysLeft = Int(((notAfter - now) / 86_400).rounded(.down))
        if notBefore > now {
            findings.problems.append("\(tlsCert) is not valid yet (from \(Timestamp(Date(timeIntervalSince1970: notBefore))))")
        } else if notAfter <= now {
            findings.problems.append("\(tlsCert) expired at \(expiry): clients refuse the relay; renew it and restart")
        } else if daysLeft < warnDays {
            findings.warnings.append("\(tlsCert) expires in \(daysLeft) days (\(expiry)); renew it")
        } else {
            findings.ok.append("TLS certificate valid for \(daysLeft) more days (until \(expiry))")
        }
    }

    func octal(_ mode: mode_t) -> String { "0" + String(mode & 0o777, radix: 8) }
}

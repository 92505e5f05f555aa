import Foundation
import ProcessLaunch

/// The programs of the real mail path the alert e-mail tests use: msmtp
/// (Debian's package, the relay's sendmail program) and a Python with
/// `aiosmtpd` (the SMTP server), both installed by `scripts/install-deps`.
public struct MailTools: Sendable {
    /// The Python that can `import aiosmtpd`.
    public let python: String
    /// The msmtp executable.
    public let msmtp: String

    /// Why the mail path cannot be tested here.
    public struct Missing: Error, CustomStringConvertible {
        public let description: String
    }

    /// Whether a missing mail path fails the tests instead of skipping them
    /// (`POC_REQUIRE_MAIL_TESTS=1`, as CI sets).
    public static var required: Bool { ProcessInfo.processInfo.environment["POC_REQUIRE_MAIL_TESTS"] == "1" }

    /// Whether the tests that need the mail path should run: when it is
    /// here, or when it is required (and its absence must fail them).
    public static var shouldRun: Bool { required || (try? find()) != nil }

    /// Finds the tools: the Python in `POC_TEST_PYTHON`, else
    /// `.build-venv/bin/python` of the working directory (the package root
    /// under `swift test`); msmtp on `PATH`.
    /// - Throws: ``Missing`` saying what is missing and how to install it.
    public static func find() throws(Missing) -> MailTools {
        let environment = ProcessInfo.processInfo.environment
        let hint = "run scripts/install-deps (Debian msmtp, and aiosmtpd in .build-venv)"
        let python =
            environment["POC_TEST_PYTHON"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(".build-venv/bin/python")
        guard FileManager.default.isExecutableFile(atPath: python) else {
            throw Missing(description: "no Python at \(python) for the SMTP server; \(hint)")
        }
        guard
            let imports = try? ChildProcess(
                executable: python, arguments: ["-c", "import aiosmtpd"], environment: environment, standardOutput: .discard,
                standardError: .discard), imports.waitUntilExit() == 0
        else {
            throw Missing(description: "\(python) cannot import aiosmtpd; \(hint)")
        }
        guard let msmtp = ExecutableSearch.find("msmtp", in: environment["PATH"] ?? "/usr/bin:/bin", then: ["/usr/bin"]) else {
            throw Missing(description: "no msmtp on PATH; \(hint)")
        }
        return MailTools(python: python, msmtp: msmtp)
    }
}

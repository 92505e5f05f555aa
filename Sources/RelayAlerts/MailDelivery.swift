public import Foundation
import ProcessLaunch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Delivers one alert e-mail through the host's sendmail-compatible program
/// (section 10): `sendmail -i -- ADDRESS` with the message on standard
/// input, killed after the attempt's time. Exit status 0 is a delivery;
/// anything else a failure naming the status and the first line of its
/// standard error.
public struct MailDelivery: Sendable {
    /// The program (an absolute path).
    public let sendmailPath: String
    /// The time one run may take.
    public let timeout: Duration

    /// Creates the delivery.
    public init(sendmailPath: String, timeout: Duration) {
        self.sendmailPath = sendmailPath
        self.timeout = timeout
    }

    /// Runs the program for `address` with `message` (CRLF line ends, as built by ``AlertEmail``).
    public func send(_ message: Data, to address: String) async -> DeliveryOutcome {
        guard sendmailPath.hasPrefix("/") else { return .failed("sendmail path is not absolute") }
        guard !address.isEmpty, address.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            return .failed("address not allowed")
        }
        let child: ChildProcess
        do {
            // The custodian's environment: msmtp and others find their configuration through HOME.
            child = try ChildProcess(
                executable: sendmailPath, arguments: ["-i", "--", address], environment: ProcessInfo.processInfo.environment,
                input: .data(message))
        } catch let failure as Spawn.Failure {
            return .failed("cannot run sendmail: \(String(cString: strerror(failure.code)))")
        } catch {
            return .failed("cannot run sendmail")
        }
        let deadline = ContinuousClock.now + timeout
        var status: Int32?
        while true {
            status = child.exitStatus
            if status != nil || ContinuousClock.now >= deadline || Task.isCancelled { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard let status else {
            child.send(SIGKILL)
            _ = child.waitUntilExitBriefly()
            return .failed(Task.isCancelled ? "cancelled" : "timed out after \(WebhookDelivery.wholeSeconds(timeout)) s")
        }
        await child.waitForOutput(timeout: .seconds(2))
        guard status == 0 else {
            let line = Self.firstLine(child.standardError)
            return .failed(line.isEmpty ? "sendmail exit status \(status)" : "sendmail exit status \(status): \(line)")
        }
        return .delivered
    }

    /// The first non-blank line of `data`, printable ASCII only, at most 120 characters.
    static func firstLine(_ data: Data) -> String {
        let text = String(decoding: data.prefix(4096), as: UTF8.self)
        let line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        let clean = String(line.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" })
        let trimmed = clean.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 120 ? String(trimmed.prefix(117)) + "..." : trimmed
    }
}

extension ChildProcess {
    /// Reaps a killed child, waiting at most a few seconds (it cannot ignore SIGKILL).
    fileprivate func waitUntilExitBriefly() -> Int32? {
        for _ in 0..<500 {
            if let status = exitStatus { return status }
            usleep(10_000)
        }
        return nil
    }
}

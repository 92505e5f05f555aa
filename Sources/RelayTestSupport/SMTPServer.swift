import Foundation
import Glibc
import ProcessLaunch

/// A real SMTP server on 127.0.0.1 for the alert e-mail tests: Python's
/// `aiosmtpd` with its Maildir handler, started as a child process on a free
/// port, and the messages it received read back from the Maildir.
///
/// ```swift
/// let tools = try MailTools.find()
/// let smtp = try await SMTPServer.start(tools: tools, maildir: directory.file("maildir"))
/// let sendmail = try smtp.sendmailWrapper(in: directory.path, envelopeFrom: "relay@example.org")
/// // ... config "sendmail": sendmail; make the relay alert ...
/// let messages = try await smtp.waitForMessages(count: 1)
/// await smtp.stop()
/// ```
public final class SMTPServer: Sendable {
    /// The port it listens on.
    public let port: Int
    /// The Maildir the messages are written to.
    public let maildir: String
    /// The msmtp to deliver with.
    public let tools: MailTools

    private let child: ChildProcess

    private init(port: Int, maildir: String, tools: MailTools, child: ChildProcess) {
        self.port = port
        self.maildir = maildir
        self.tools = tools
        self.child = child
    }

    /// Why the server did not come up.
    public struct DidNotStart: Error, CustomStringConvertible {
        public let standardError: String
        public var description: String { "aiosmtpd did not start on 127.0.0.1:\n\(standardError)" }
    }

    /// A socket call that failed while looking for a free port.
    public struct SocketFailure: Error, CustomStringConvertible {
        public let code: Int32
        public var description: String { "socket: \(String(cString: strerror(code)))" }
    }

    /// Why a wait ended without the messages.
    public struct TimedOut: Error, CustomStringConvertible {
        public let received: Int
        public let expected: Int
        public var description: String { "SMTP server: \(received) of \(expected) messages before the timeout" }
    }

    /// Starts `python -m aiosmtpd` on a free port of 127.0.0.1, writing what
    /// it receives into the Maildir `maildir` (created), and waits until it
    /// accepts connections.
    public static func start(tools: MailTools, maildir: String, timeout: Duration = .seconds(30)) async throws -> SMTPServer {
        var lastError = ""
        for _ in 0..<3 {  // the free port may be taken between our look and its bind
            let port = try freePort()
            let child = try ChildProcess(
                executable: tools.python,
                arguments: ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", maildir],
                environment: ProcessInfo.processInfo.environment.merging(["PYTHONUNBUFFERED": "1"]) { $1 },
                standardOutput: .discard)
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline && child.isRunning {
                if accepts(port: port) { return SMTPServer(port: port, maildir: maildir, tools: tools, child: child) }
                try await Task.sleep(for: .milliseconds(50))
            }
            await child.kill9()
            await child.waitForOutput(timeout: .seconds(2))
            lastError = String(decoding: child.standardError, as: UTF8.self)
        }
        throw DidNotStart(standardError: lastError)
    }

    /// Writes a sendmail-compatible program into `directory` for the relay's
    /// `"sendmail"` key: a shell script running msmtp with an msmtprc for
    /// this server (no authentication, no TLS), so the relay's
    /// `WRAPPER -i -- ADDRESS` goes through the real msmtp to this server.
    /// - Returns: The script's path.
    public func sendmailWrapper(in directory: String, envelopeFrom: String) throws -> String {
        let rc = (directory as NSString).appendingPathComponent("msmtprc")
        let script = (directory as NSString).appendingPathComponent("sendmail")
        let settings = """
            defaults
            auth off
            tls off
            timeout 10
            syslog off
            account default
            host 127.0.0.1
            port \(port)
            from \(envelopeFrom)

            """
        try Data(settings.utf8).write(to: URL(fileURLWithPath: rc))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: rc)
        let program = "#!/bin/sh\nexec \(Self.quoted(tools.msmtp)) --file=\(Self.quoted(rc)) \"$@\"\n"
        try Data(program.utf8).write(to: URL(fileURLWithPath: script))
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script)
        return script
    }

    /// The messages received so far, oldest first.
    public var messages: [MailMessage] {
        var found: [(name: String, text: String)] = []
        for folder in ["new", "cur"] {
            let path = (maildir as NSString).appendingPathComponent(folder)
            for name in (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [] {
                let file = (path as NSString).appendingPathComponent(name)
                if let data = FileManager.default.contents(atPath: file) {
                    found.append((name, String(decoding: data, as: UTF8.self)))
                }
            }
        }
        // Maildir names start with the delivery time in seconds, then a counter.
        return found.sorted { $0.name < $1.name }.map { MailMessage(raw: $0.text) }
    }

    /// Waits until at least `count` messages have arrived and returns all of
    /// them, or throws ``TimedOut``.
    public func waitForMessages(count: Int, timeout: Duration = .seconds(60)) async throws -> [MailMessage] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let received = messages
            if received.count >= count { return received }
            if ContinuousClock.now >= deadline { throw TimedOut(received: received.count, expected: count) }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Stops the server (SIGTERM, then SIGKILL after 5 s).
    public func stop() async {
        child.send(SIGTERM)
        if await child.waitForExit(timeout: .seconds(5)) == nil { await child.kill9() }
    }

    /// What the server said on standard error (for failure messages).
    public var standardError: String { String(decoding: child.standardError, as: UTF8.self) }

    /// A port of 127.0.0.1 that nothing listens on now.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure(code: errno) }
        defer { close(fd) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw SocketFailure(code: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw SocketFailure(code: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts a TCP connection on 127.0.0.1:`port`.
    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    /// `text` in single quotes for sh.
    static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

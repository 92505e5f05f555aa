import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import ProcessLaunch
import Sodium

/// `poc unlock`: open the keys once and keep them in a key agent for a shift.
struct Unlock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep the keys unlocked for a while, so commands stop asking for the passphrase.",
        discussion: """
            A small agent process of yours holds the unlocked keys in memory and answers only your own uid, on a \
            socket in the home. `poc lock` ends it.

            Examples:
              poc unlock --for 8h
              poc lock
            """)
    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("for"), help: "How long, e.g. 30m, 8h (default 8h, at most 7d).", transform: durationOption)
    var duration: DurationArgument?

    func run() async throws {
        let seconds = duration?.seconds ?? 8 * 3600
        guard seconds <= 7 * 86_400 else { throw PocError.usage("unlock for at most 7d") }
        let home = global.pocHome
        guard FileManager.default.fileExists(atPath: home.keysPath) else {
            throw PocError("no keys in \(home.path)", hint: "run `poc enrol --token TOKEN` first", status: .usage)
        }
        let handoff = try KeyAgent.unlock(home, passphrase: global.passphrase)
        let replaced = KeyAgentClient(home: home).lock()
        try startAgent(home: home, seconds: seconds, handoff: handoff)
        guard let status = KeyAgentClient(home: home).status() else { throw PocError("the key agent did not answer after starting") }
        let until = status.expiresAt.formatted(.iso8601)
        global.environment.write("unlocked until \(until)\(replaced ? " (the previous agent was locked)" : "")")
        global.environment.error("poc: hint: run `poc lock` when you leave")
    }

    /// Starts `poc agent-serve` detached, hands it the keys on a pipe, and waits for it to listen.
    private func startAgent(home: PocHome, seconds: Int64, handoff: SecretBytes) throws {
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            throw PocError("cannot find the poc executable to start the key agent")
        }
        let input = Spawn.pipe()
        let output = Spawn.pipe()
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer {
            for fd in [input.read, input.write, output.read, output.write, null] where fd >= 0 { close(fd) }
        }
        let environment = ["PATH": "/usr/bin:/bin", "SWIFT_BACKTRACE": "enable=no"]
        let pid: pid_t
        do {
            pid = try Spawn.start(
                executable: executable, arguments: ["agent-serve", "--home", home.path, "--seconds", String(seconds)],
                environment: environment, stdin: input.read, stdout: output.write, stderr: null)
        } catch {
            throw PocError("cannot start the key agent: \(error)")
        }
        close(input.read)
        close(output.write)
        let written = handoff.withUnsafeBytes { bytes in
            var done = 0
            while done < bytes.count {
                let wrote = write(input.write, bytes.baseAddress!.advanced(by: done), bytes.count - done)
                if wrote < 0, errno == EINTR { continue }
                guard wrote > 0 else { return false }
                done += wrote
            }
            return true
        }
        close(input.write)
        var ready = pollfd(fd: output.read, events: Int16(POLLIN), revents: 0)
        var byte: UInt8 = 0
        guard written, poll(&ready, 1, 10_000) == 1, read(output.read, &byte, 1) == 1 else {
            kill(pid, SIGTERM)
            _ = Spawn.exitStatus(pid)
            throw PocError(
                "the key agent did not start", hint: "the socket path \(home.agentSocketPath) must be shorter than 108 bytes")
        }
    }
}

/// `poc lock`: end the key agent of the home.
struct Lock: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "End `poc unlock`: the agent zeroes the keys and exits.",
        discussion: """
            Examples:
              poc lock
            """)
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        if KeyAgentClient(home: global.pocHome).lock() {
            global.environment.write("locked: the key agent zeroed the keys and ended")
        } else {
            global.environment.write("no key agent was running; the keys were locked already")
        }
    }
}

/// `poc agent-serve`: the key agent itself, started by `poc unlock` (hidden).
struct AgentServe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agent-serve", abstract: "The key agent started by `poc unlock` (not for direct use).", shouldDisplay: false)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Seconds to hold the keys.") var seconds: Int64

    func run() throws {
        let status = KeyAgent.serve(home: global.pocHome, seconds: seconds)
        guard status == 0 else { throw ExitCode(status) }
    }
}

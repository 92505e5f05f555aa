import Foundation
import RelayServer
import RelayTestSupport
import Testing

/// Runs `poc` on a pseudo-terminal (Python's `pty`), typing `answers[i]`
/// after the i-th passphrase prompt; prints the status, whether echo is on
/// afterwards, and what the terminal showed, as JSON.
private let ptyDriver = """
    import json, os, pty, select, sys, termios, time
    argv = json.loads(sys.argv[1]); answers = json.loads(sys.argv[2])
    env = dict(os.environ); env.pop("POC_PASSPHRASE_FILE", None); env.update(json.loads(sys.argv[3]))
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, env)
    out = b""; typed = 0; deadline = time.time() + 60
    while time.time() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
        while out.count(b"Passphrase for the keys: ") > typed and typed < len(answers):
            time.sleep(0.05)
            os.write(fd, answers[typed].encode()); typed += 1
    _, status = os.waitpid(pid, 0)
    try:
        echo = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    except termios.error:
        echo = None
    print(json.dumps({"status": os.waitstatus_to_exitcode(status), "echo": echo, "output": out.decode(errors="replace")}))
    """

@Suite("the passphrase prompt on a terminal", .serialized)
struct PocPromptTests {
    struct Outcome {
        let status: Int
        let echo: Bool?
        let output: String
    }

    /// `poc inbox` on a pseudo-terminal, typing `answers`.
    func inbox(_ fixture: UnlockFixture, typing answers: [String]) async throws -> Outcome {
        let argv = [fixture.poc.url.path, "inbox", "--home", fixture.home]
        func json(_ value: Any) throws -> String { String(decoding: try JSONSerialization.data(withJSONObject: value), as: UTF8.self) }
        let printed = try await UnlockFixture.python(ptyDriver, [try json(argv), try json(answers), try json(fixture.environment)])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(printed.utf8)) as? [String: Any], "driver printed: \(printed)")
        return Outcome(status: object["status"] as? Int ?? -1, echo: object["echo"] as? Bool, output: object["output"] as? String ?? "")
    }

    @Test("Ctrl-C cancels with 130 and echo back on; Ctrl-D on an empty line cancels too")
    func cancel() async throws {
        try await LiveRelay.with { relay in
            let fixture = try await UnlockFixture.enrolled(relay)
            defer { fixture.homes.remove() }
            let interrupted = try await inbox(fixture, typing: ["secr\u{03}"])
            #expect(interrupted.status == 130, "\(interrupted.output)")
            #expect(interrupted.echo == true)
            #expect(interrupted.output.contains("cancelled"), "\(interrupted.output)")
            let ended = try await inbox(fixture, typing: ["\u{04}"])
            #expect(ended.status == 130, "\(ended.output)")
            #expect(ended.echo == true)
            #expect(ended.output.contains("no passphrase typed"), "\(ended.output)")
        }
    }

    @Test("three wrong passphrases end with 77; the right one on the second try works")
    func tries() async throws {
        try await LiveRelay.with { relay in
            let fixture = try await UnlockFixture.enrolled(relay)
            defer { fixture.homes.remove() }
            let wrong = try await inbox(fixture, typing: ["one\r", "two\r", "three\r"])
            #expect(wrong.status == 77, "\(wrong.output)")
            #expect(wrong.output.contains("poc: wrong passphrase, try again (2 left)"), "\(wrong.output)")
            #expect(wrong.output.contains("poc: wrong passphrase, try again (1 left)"), "\(wrong.output)")
            #expect(wrong.echo == true)
            let second = try await inbox(fixture, typing: ["wrong\r", "\(UnlockFixture.passphrase)\r"])
            #expect(second.status == 0, "\(second.output)")
            #expect(second.output.contains("(2 left)"))
            // Ctrl-D ends a typed passphrase like Return.
            let endedByControlD = try await inbox(fixture, typing: ["\(UnlockFixture.passphrase)\u{04}"])
            #expect(endedByControlD.status == 0, "\(endedByControlD.output)")
        }
    }
}

import Foundation
public import Sodium

#if canImport(Glibc)
import Glibc
#endif

/// The terminal settings to put back if a signal ends the process during a
/// prompt (read by the signal handler, so a global: written before the
/// handler is installed, cleared after it is removed).
nonisolated(unsafe) private var promptRestore: (fd: Int32, settings: termios)?

/// Puts the terminal back and ends the process with the signal's usual status.
private func restoreTerminalAndExit(_ signal: Int32) {
    if var restore = promptRestore { _ = tcsetattr(restore.fd, TCSAFLUSH, &restore.settings) }
    _exit(128 + signal)
}

/// The passphrase prompt on the controlling terminal (`/dev/tty`), echo off.
///
/// Unlike `getpass`, Ctrl-C cancels (status 130), Ctrl-D ends the input
/// (cancels when nothing was typed), backspace erases, and the terminal's
/// settings are restored on every way out, signals included.
public enum TerminalPrompt {
    /// What one prompt gave.
    public enum Answer {
        /// The line typed (without its end).
        case line(SecretBytes)
        /// Ctrl-C, or Ctrl-D before anything was typed: why, as one line.
        case cancelled(String)
        /// No terminal to ask on.
        case noTerminal
    }

    /// Asks on `/dev/tty` when standard input or standard error is a terminal.
    public static func ask(_ prompt: String) -> Answer {
        guard isatty(STDIN_FILENO) == 1 || isatty(STDERR_FILENO) == 1 else { return .noTerminal }
        let fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else { return .noTerminal }
        defer { close(fd) }
        var saved = termios()
        guard tcgetattr(fd, &saved) == 0 else { return .noTerminal }
        var raw = saved
        // No echo, no line editing by the driver, no signals from the keys: ^C and ^D arrive as bytes.
        raw.c_lflag &= ~tcflag_t(ECHO | ECHONL | ICANON | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &raw.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        promptRestore = (fd, saved)
        let signals = [SIGTERM, SIGHUP, SIGQUIT, SIGINT]
        var previous: [sigaction] = []
        for signal in signals {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { restoreTerminalAndExit($0) }
            var old = sigaction()
            sigaction(signal, &action, &old)
            previous.append(old)
        }
        defer {
            var settings = saved
            _ = tcsetattr(fd, TCSAFLUSH, &settings)
            for (signal, old) in zip(signals, previous) {
                var old = old
                sigaction(signal, &old, nil)
            }
            promptRestore = nil
        }
        guard tcsetattr(fd, TCSAFLUSH, &raw) == 0 else { return .noTerminal }
        write(fd, prompt)

        var buffer = [UInt8](repeating: 0, count: 1024)
        defer { SecretBytes.zero(&buffer) }
        var count = 0
        while true {
            var byte: UInt8 = 0
            let got = read(fd, &byte, 1)
            if got < 0, errno == EINTR { continue }
            if got <= 0 {
                if count == 0 { return finish(fd, cancelled: "no passphrase typed (Ctrl-D): cancelled") }
                break
            }
            switch byte {
            case 0x03:  // Ctrl-C
                return finish(fd, cancelled: "cancelled (Ctrl-C)")
            case 0x04:  // Ctrl-D
                if count == 0 { return finish(fd, cancelled: "no passphrase typed (Ctrl-D): cancelled") }
                write(fd, "\n")
                return .line(SecretBytes(copying: buffer[0..<count]))
            case 0x0A, 0x0D:
                write(fd, "\n")
                return .line(SecretBytes(copying: buffer[0..<count]))
            case 0x7F, 0x08:  // backspace
                if count > 0 {
                    count -= 1
                    buffer[count] = 0
                }
            case 0x15:  // Ctrl-U: erase the line
                for index in 0..<count { buffer[index] = 0 }
                count = 0
            default:
                if count < buffer.count { buffer[count] = byte }
                count = min(count + 1, buffer.count)
            }
        }
        write(fd, "\n")
        return .line(SecretBytes(copying: buffer[0..<count]))
    }

    private static func finish(_ fd: Int32, cancelled reason: String) -> Answer {
        write(fd, "\n")
        return .cancelled(reason)
    }

    private static func write(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        _ = Glibc.write(fd, &bytes, bytes.count)
    }
}

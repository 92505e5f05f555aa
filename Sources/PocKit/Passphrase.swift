import Foundation
public import Sodium

/// Where the passphrase that protects `keys.poc` comes from: `--passphrase-file`,
/// then `POC_PASSPHRASE_FILE`, then a prompt on the terminal (no echo).
///
/// Commands that only need the keys ask a running key agent first (see
/// ``KeyAgentClient``), unless ``usesAgent`` is off.
public struct PassphraseSource: Sendable {
    let file: String?
    let prompt: @Sendable (String) throws(PocError) -> SecretBytes?
    /// Whether the keys may come from a running agent instead of a passphrase.
    public let usesAgent: Bool
    /// Tries at the prompt before a wrong passphrase ends the command.
    public static let tries = 3

    /// Creates a source.
    /// - Parameters:
    ///   - file: `--passphrase-file`, or `POC_PASSPHRASE_FILE`.
    ///   - prompt: Reads a line without echo; `nil` when there is no terminal;
    ///     throws (status 130) when the user cancels.
    ///   - usesAgent: Whether the keys may come from a running agent.
    ///   - tries: How many times a wrong passphrase may be typed at the prompt.
    public init(
        file: String?, prompt: @escaping @Sendable (String) throws(PocError) -> SecretBytes? = PassphraseSource.terminalPrompt,
        usesAgent: Bool = true, tries: Int = PassphraseSource.tries
    ) {
        self.file = file
        self.prompt = prompt
        self.usesAgent = usesAgent
        self.triesAtPrompt = tries
    }

    /// How many times a wrong passphrase may be typed at the prompt.
    let triesAtPrompt: Int

    /// How many passphrases may be tried: 1 from a file, else ``triesAtPrompt``.
    var allowedTries: Int { file == nil ? max(triesAtPrompt, 1) : 1 }

    /// Tells the user at the prompt that the passphrase was wrong.
    public func wrongPassphrase(triesLeft: Int) {
        var line = Array("poc: wrong passphrase, try again (\(triesLeft) left)\n".utf8)
        _ = write(STDERR_FILENO, &line, line.count)
    }

    /// The passphrase.
    /// - Parameter confirm: Ask twice (when creating keys at the prompt).
    public func read(confirm: Bool = false) throws(PocError) -> SecretBytes {
        if let file {
            guard var data = FileManager.default.contents(atPath: file) else {
                throw PocError("cannot read the passphrase file \(file)", status: .usage)
            }
            defer { SecretBytes.zero(&data) }
            while let last = data.last, last == 0x0A || last == 0x0D { data.removeLast() }
            guard !data.isEmpty else { throw PocError("the passphrase file \(file) is empty", status: .usage) }
            return SecretBytes(copying: data)
        }
        guard let first = try prompt("Passphrase for the keys: ") else {
            throw PocError("no passphrase: no terminal to ask on", hint: "use --passphrase-file FILE or POC_PASSPHRASE_FILE", status: .usage)
        }
        guard first.count >= 8 || !confirm else { throw PocError("the passphrase must have at least 8 characters", status: .usage) }
        if confirm {
            guard let second = try prompt("Repeat the passphrase: "), second == first else {
                throw PocError("the passphrases do not match", status: .usage)
            }
        }
        return first
    }

    /// Reads a line from the terminal with echo off (``TerminalPrompt``).
    public static let terminalPrompt: @Sendable (String) throws(PocError) -> SecretBytes? = { prompt throws(PocError) in
        switch TerminalPrompt.ask(prompt) {
        case .line(let secret): return secret
        case .noTerminal: return nil
        case .cancelled(let reason): throw PocError(reason, status: .cancelled)
        }
    }
}

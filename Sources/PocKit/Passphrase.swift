import Foundation
public import Sodium

/// Where the passphrase that protects `keys.poc` comes from: `--passphrase-file`,
/// then `POC_PASSPHRASE_FILE`, then a prompt on the terminal (no echo).
public struct PassphraseSource: Sendable {
    let file: String?
    let prompt: @Sendable (String) -> SecretBytes?

    /// Creates a source.
    /// - Parameters:
    ///   - file: `--passphrase-file`, or `POC_PASSPHRASE_FILE`.
    ///   - prompt: Reads a line without echo; `nil` when there is no terminal.
    public init(file: String?, prompt: @escaping @Sendable (String) -> SecretBytes? = PassphraseSource.terminalPrompt) {
        self.file = file
        self.prompt = prompt
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
        guard let first = prompt("Passphrase for the keys: ") else {
            throw PocError("no passphrase: no terminal to ask on", hint: "use --passphrase-file FILE or POC_PASSPHRASE_FILE", status: .usage)
        }
        guard first.count >= 8 || !confirm else { throw PocError("the passphrase must have at least 8 characters", status: .usage) }
        if confirm {
            guard let second = prompt("Repeat the passphrase: "), second == first else {
                throw PocError("the passphrases do not match", status: .usage)
            }
        }
        return first
    }

    /// Reads a line from the terminal with echo off (`getpass`).
    public static let terminalPrompt: @Sendable (String) -> SecretBytes? = { prompt in
        guard isatty(STDIN_FILENO) == 1, let line = getpass(prompt) else { return nil }
        let count = strlen(line)
        let secret = SecretBytes(count: count) { out in out.copyMemory(from: UnsafeRawBufferPointer(start: line, count: count)) }
        memset(line, 0, count)
        return secret
    }
}

import ArgumentParser
import PocKit

/// The command line before ArgumentParser reads it: global options may come
/// before the subcommand, and a mistyped subcommand is named with the
/// nearest one.
enum CommandPath {
    /// Options every command (or, for `--format`, every listing) takes, each
    /// with a value, that may be written before the subcommand.
    static let globalOptions: Set<String> = ["--home", "--passphrase-file", "--format"]

    /// `arguments` with the global options written before the subcommand
    /// path moved after it: `--home X inbox` becomes `inbox --home X`, and
    /// `--format json directory show ID` becomes `directory show --format json ID`.
    ///
    /// - Parameters:
    ///   - arguments: The arguments without the program name.
    ///   - root: The root command, whose subcommand tree names the path.
    /// - Returns: The arguments for `parseAsRoot`.
    /// - Throws: A usage ``PocError`` for an unknown subcommand, with the
    ///   nearest command as a hint.
    static func normalised(_ arguments: [String], root: any ParsableCommand.Type) throws -> [String] {
        var command = root
        var moved: [String] = []
        var path: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if globalOptions.contains(argument), index + 1 < arguments.count {
                moved += [argument, arguments[index + 1]]
                index += 2
            } else if let name = argument.split(separator: "=", maxSplits: 1).first, argument.contains("="),
                globalOptions.contains(String(name))
            {
                moved.append(argument)
                index += 1
            } else if let sub = subcommand(named: argument, of: command) {
                path.append(argument)
                command = sub
                index += 1
            } else {
                break
            }
        }
        let rest = Array(arguments[index...])
        let configuration = command.configuration
        if !configuration.subcommands.isEmpty, configuration.defaultSubcommand == nil, let word = rest.first, !word.hasPrefix("-"),
            !(path.isEmpty && word == "help")
        {
            let names = configuration.subcommands.map { $0._commandName }
            let prefix = (["poc"] + path).joined(separator: " ")
            let hint = nearest(word, in: names).map { "did you mean '\((path + [$0]).joined(separator: " "))'?" }
            throw PocError.usage(
                "unknown command '\((path + [word]).joined(separator: " "))'", hint: hint ?? "see `\(prefix) --help` for the commands")
        }
        // A group without a default (`poc keys`, `poc consent`) takes no options of its own:
        // `poc --home X keys` shows its commands, as `poc keys` does, instead of "Unknown option".
        if !configuration.subcommands.isEmpty, configuration.defaultSubcommand == nil { return path + rest }
        return path + moved + rest
    }

    /// The subcommand of `command` called `name` (or one of its aliases).
    static func subcommand(named name: String, of command: any ParsableCommand.Type) -> (any ParsableCommand.Type)? {
        command.configuration.subcommands.first { $0._commandName == name || $0.configuration.aliases.contains(name) }
    }

    /// The name closest to `word` by edit distance, when it is close enough
    /// to be a typing mistake (at most 2 edits, and fewer than half the
    /// word), or the only name `word` begins.
    static func nearest(_ word: String, in names: [String]) -> String? {
        let lowered = word.lowercased()
        let scored = names.map { (name: $0, distance: editDistance(lowered, $0)) }.sorted { $0.distance < $1.distance }
        if let best = scored.first, best.distance <= min(2, max(1, lowered.count / 2)) { return best.name }
        let prefixed = names.filter { $0.hasPrefix(lowered) }
        return prefixed.count == 1 && lowered.count >= 2 ? prefixed[0] : nil
    }

    /// The Levenshtein distance between `a` and `b`, counting an adjacent
    /// transposition (`inobx`) as one edit.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { rows[i][0] = i }
        for j in 0...b.count { rows[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                rows[i][j] = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { rows[i][j] = min(rows[i][j], rows[i - 2][j - 2] + 1) }
            }
        }
        return rows[a.count][b.count]
    }
}

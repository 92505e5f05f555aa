import ArgumentParser
import Foundation

/// The `--json FILE` option every benchmark takes.
struct JSONOutput: ParsableArguments {
    @Option(name: .customLong("json"), help: ArgumentHelp("Also write the report as JSON to this file.", valueName: "file"))
    var path: String?

    /// Writes `json` to the file, if one was given.
    func write(_ json: Data) throws {
        guard let path else { return }
        try json.write(to: URL(fileURLWithPath: path))
        print("JSON written to \(path)")
    }
}

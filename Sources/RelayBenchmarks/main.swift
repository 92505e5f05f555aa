// relay-benchmarks: measurements of POC Relay, run in release mode.
//
//   swift run -c release relay-benchmarks crypto [--runs 5] [--seconds 0.5] [--json FILE]
//
// Figures are medians of several runs; no figure is ever asserted in a test.

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

let runs = Int(option("--runs") ?? "") ?? 5
let seconds = Double(option("--seconds") ?? "") ?? 0.5

switch arguments.first {
case "crypto", nil:
    let report = CryptoBenchmark(runs: runs, secondsPerRun: seconds).run()
    print(report.table)
    if let path = option("--json") {
        try report.json.write(to: URL(fileURLWithPath: path))
        print("JSON written to \(path)")
    }
default:
    FileHandle.standardError.write(Data("relay-benchmarks: error: unknown benchmark '\(arguments[0])' (known: crypto)\n".utf8))
    exit(64)
}

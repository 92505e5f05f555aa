// relay-benchmarks: measurements of POC Relay, run in release mode.
//
//   swift run -c release relay-benchmarks crypto [--runs 5] [--seconds 0.5] [--json FILE]
//   swift run -c release relay-benchmarks relay  [--runs 5] [--seconds 20] [--latency-seconds 10] [--concurrency 4]
//                                                [--quick] [--no-growth] [--no-memory] [--only memory|latency|floor|service] [--json FILE]
//   swift run -c release relay-benchmarks limits [--runs 5] [--seconds 1] [--json FILE]
//
// `relay` starts a real relay over TLS on 127.0.0.1 in a temporary directory
// and, for memory, the real `poc-relay serve` beside this binary (build it
// with `swift build -c release`). Figures are medians of several runs; no
// figure is ever asserted in a test.

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
func option(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

func write(_ json: Data) throws {
    guard let path = option("--json") else { return }
    try json.write(to: URL(fileURLWithPath: path))
    print("JSON written to \(path)")
}

switch arguments.first {
case "crypto", nil:
    let runs = Int(option("--runs") ?? "") ?? 5
    let report = CryptoBenchmark(runs: runs, secondsPerRun: Double(option("--seconds") ?? "") ?? 0.5).run()
    print(report.table)
    try write(report.json)
case "limits":
    let runs = Int(option("--runs") ?? "") ?? 5
    let report = try await LimitsBenchmark(runs: runs, secondsPerRun: Double(option("--seconds") ?? "") ?? 1).run()
    print(report.table)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try write(try encoder.encode(report))
case "relay":
    var options = arguments.contains("--quick") ? RelayBenchmarkOptions.quick : RelayBenchmarkOptions()
    if let runs = option("--runs").flatMap(Int.init) { options.runs = runs }
    if let seconds = option("--seconds").flatMap(Double.init) { options.seconds = seconds }
    if let seconds = option("--latency-seconds").flatMap(Double.init) { options.latencySeconds = seconds }
    if let concurrency = option("--concurrency").flatMap(Int.init) { options.concurrency = concurrency }
    if arguments.contains("--no-growth") { options.growth = false }
    if arguments.contains("--no-memory") { options.memory = false }
    options.only = option("--only")
    let report = try await RelayBenchmark(options: options).run()
    print(report.table)
    try write(report.json)
case "floor-server":
    // The child of the floor scenario: floor-server CERT KEY HOLD_MS.
    guard arguments.count == 4, let hold = Double(arguments[3]) else { exit(64) }
    try await runFloorServer(certificatePath: arguments[1], keyPath: arguments[2], holdMilliseconds: hold)
default:
    FileHandle.standardError.write(Data("relay-benchmarks: error: unknown benchmark '\(arguments[0])' (known: crypto, relay, limits)\n".utf8))
    exit(64)
}

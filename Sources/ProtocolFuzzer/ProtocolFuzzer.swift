// The fuzz target for envelope and entry parsing (FuzzTarget in ProtocolFuzzing).
//
// Built by `scripts/fuzz` with `-sanitize=fuzzer,address -DPROTOCOL_FUZZER_LIBFUZZER`,
// it is a libFuzzer target (coverage-guided). Built normally, it runs the
// seeded random-mutation loop:
//
//     ProtocolFuzzer [--seconds S] [--iterations N] [--seed N] [--vectors FILE]
//     ProtocolFuzzer --write-corpus DIR     # the seed inputs, one file each
//     ProtocolFuzzer --replay FILE...       # run saved inputs once
//
// It exits 1 on a finding and writes the input to fuzz-finding-<seed>.bin.
import Foundation
import ProtocolFuzzing

#if PROTOCOL_FUZZER_LIBFUZZER
import CFuzzerDriver

/// The vector keys, loaded once before fuzzing starts.
nonisolated(unsafe) private var fuzzKeys: FuzzKeys?

/// One input: a finding stops the run, and libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    do { try FuzzTarget.check(data, keys: fuzzKeys) } catch { fatalError("fuzz finding: \(error)") }
    return 0
}

/// The entry point SwiftPM links as `main` for this executable: hands over to libFuzzer's driver.
@_cdecl("ProtocolFuzzer_main")
public func protocolFuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let path = ProcessInfo.processInfo.environment["POC_FUZZ_VECTORS"] ?? FuzzSeeds.defaultVectorsPath
    fuzzKeys = (try? FuzzSeeds(vectorsAt: path))?.keys
    var argc = argc
    var argv = argv
    return LLVMFuzzerRunDriver(&argc, &argv) { bytes, count in fuzzerTestOneInput(bytes, count) }
}
#else
@main
struct ProtocolFuzzer {
    static func main() {
        var arguments = Array(CommandLine.arguments.dropFirst())
        func value(_ name: String) -> String? {
            guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
            defer { arguments.removeSubrange(index...(index + 1)) }
            return arguments[index + 1]
        }
        let vectors = value("--vectors") ?? FuzzSeeds.defaultVectorsPath
        let seconds = Double(value("--seconds") ?? "") ?? 20
        let iterations = Int(value("--iterations") ?? "") ?? .max
        let seed = UInt64(value("--seed") ?? "") ?? UInt64.random(in: 0...UInt64.max)
        let corpusDirectory = value("--write-corpus")
        let seeds: FuzzSeeds
        do { seeds = try FuzzSeeds(vectorsAt: vectors) } catch {
            fail("\(error) (run from the repository root, or give --vectors)")
        }
        if let corpusDirectory {
            try? FileManager.default.createDirectory(atPath: corpusDirectory, withIntermediateDirectories: true)
            for (index, input) in seeds.inputs.enumerated() {
                _ = FileManager.default.createFile(atPath: "\(corpusDirectory)/seed-\(index).json", contents: input)
            }
            print("ProtocolFuzzer: wrote \(seeds.inputs.count) seed inputs to \(corpusDirectory)")
            return
        }
        if let index = arguments.firstIndex(of: "--replay") {
            for path in arguments[(index + 1)...] {
                guard let input = FileManager.default.contents(atPath: path) else { fail("cannot read \(path)") }
                do { try FuzzTarget.check(input, keys: seeds.keys) } catch { fail("\(path): \(error)") }
            }
            print("ProtocolFuzzer: replayed \(arguments.count - index - 1) inputs, no finding")
            return
        }
        let report = FuzzLoop(seeds: seeds).run(
            seed: seed, maxExecutions: iterations, until: ContinuousClock.now + .milliseconds(Int(seconds * 1000)))
        print("ProtocolFuzzer: \(report)")
        if let (finding, input) = report.finding {
            let file = "fuzz-finding-\(seed).bin"
            _ = FileManager.default.createFile(atPath: file, contents: input)
            fail("\(finding); input written to \(file); replay with --replay \(file)")
        }
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("ProtocolFuzzer: error: \(message)\n".utf8))
        exit(1)
    }
}
#endif

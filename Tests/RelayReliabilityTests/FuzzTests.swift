import Foundation
import ProtocolFuzzing
import RelayTestSupport
import Testing

@Suite("Fuzzing the parsers of envelopes, entries and requests")
struct FuzzTests {
    static func seeds() throws -> FuzzSeeds {
        try FuzzSeeds(vectorsAt: (DevCertificates.repositoryRoot as NSString).appendingPathComponent(FuzzSeeds.defaultVectorsPath))
    }

    @Test("the seeds are what the target expects: valid inputs parse, and the vector envelope opens")
    func seedsAreValid() throws {
        let seeds = try Self.seeds()
        #expect(seeds.inputs.count >= 20)
        #expect(seeds.keys != nil)
        #expect(seeds.inputs.filter { FuzzTarget.accepts($0) }.count >= 8)
        for input in seeds.inputs { try FuzzTarget.check(input, keys: seeds.keys) }
    }

    @Test("seeded random mutations never crash a parser nor make one disagree with itself", arguments: [1, 2, 3, 4] as [UInt64])
    func randomMutations(seed: UInt64) throws {
        let report = FuzzLoop(seeds: try Self.seeds()).run(seed: seed, maxExecutions: 4000, until: ContinuousClock.now + .seconds(20))
        if let (finding, input) = report.finding {
            Issue.record("\(finding) for input \(input.base64EncodedString())")
        }
        #expect(report.executions > 100)
    }

    @Test("the mutator is reproducible from its seed")
    func reproducible() throws {
        let seeds = try Self.seeds()
        var first = SeededGenerator(seed: 42), second = SeededGenerator(seed: 42)
        let mutator = Mutator()
        for input in seeds.inputs.prefix(5) {
            #expect(mutator.mutate(input, others: seeds.inputs, using: &first) == mutator.mutate(input, others: seeds.inputs, using: &second))
        }
    }
}

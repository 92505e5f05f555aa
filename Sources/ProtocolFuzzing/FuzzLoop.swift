public import Foundation

/// The fallback engine: seeded random mutation of the seed inputs, without
/// coverage feedback. Inputs that some parser accepts join the corpus (up to
/// a bound), so later mutations start from deeper inside the parsers.
public struct FuzzLoop: Sendable {
    /// What a run did.
    public struct Report: Sendable, CustomStringConvertible {
        /// The generator seed (give it again to replay the run).
        public let seed: UInt64
        /// Inputs tried.
        public let executions: Int
        /// Size of the corpus at the end.
        public let corpusSize: Int
        /// The first property that failed, with its input, if any.
        public let finding: (FuzzFinding, Data)?

        public var description: String {
            "random-mutation fuzzing, seed \(seed): \(executions) executions, corpus \(corpusSize), "
                + (finding.map { "FINDING: \($0.0)" } ?? "no finding")
        }
    }

    let seeds: FuzzSeeds
    let mutator = Mutator()
    let maxCorpus = 2048

    /// Creates a loop over `seeds`.
    public init(seeds: FuzzSeeds) { self.seeds = seeds }

    /// Runs until `deadline` passes or `maxExecutions` inputs were tried,
    /// stopping at the first finding.
    /// - Parameters:
    ///   - seed: The generator seed.
    ///   - maxExecutions: An upper bound on inputs tried.
    ///   - deadline: When to stop at the latest.
    public func run(seed: UInt64, maxExecutions: Int = .max, until deadline: ContinuousClock.Instant) -> Report {
        var rng = SeededGenerator(seed: seed)
        var corpus = seeds.inputs
        var executions = 0
        for input in corpus {
            executions += 1
            do { try FuzzTarget.check(input, keys: seeds.keys) } catch {
                return Report(seed: seed, executions: executions, corpusSize: corpus.count, finding: (error, input))
            }
        }
        while executions < maxExecutions {
            if executions % 64 == 0 && ContinuousClock.now >= deadline { break }
            let base = corpus.randomElement(using: &rng)!
            let input = mutator.mutate(base, others: corpus, using: &rng)
            executions += 1
            do { try FuzzTarget.check(input, keys: seeds.keys) } catch {
                return Report(seed: seed, executions: executions, corpusSize: corpus.count, finding: (error, input))
            }
            if FuzzTarget.accepts(input) {
                if corpus.count < maxCorpus {
                    corpus.append(input)
                } else {
                    corpus[seeds.inputs.count + Int.random(in: 0..<(maxCorpus - seeds.inputs.count), using: &rng)] = input
                }
            }
        }
        return Report(seed: seed, executions: executions, corpusSize: corpus.count, finding: nil)
    }
}

import ArgumentParser

/// `relay-benchmarks floor-server CERT KEY HOLD_MS`: the child process of the
/// transport floor scenario (``FloorBenchmark``), not for direct use.
struct FloorServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "floor-server",
        abstract: "The bare HTTPS server of the transport floor scenario (its child process).",
        shouldDisplay: false
    )

    @Argument(help: ArgumentHelp("The server's PEM certificate chain.", valueName: "cert"))
    var certificatePath: String

    @Argument(help: ArgumentHelp("The server's PEM private key.", valueName: "key"))
    var keyPath: String

    @Argument(help: ArgumentHelp("How long each request is held, in ms (0: answered at once).", valueName: "hold-ms"))
    var holdMilliseconds: Double

    func validate() throws {
        guard holdMilliseconds >= 0, holdMilliseconds.isFinite else { throw ValidationError("HOLD_MS must be 0 or more.") }
    }

    func run() async throws {
        try await runFloorServer(certificatePath: certificatePath, keyPath: keyPath, holdMilliseconds: holdMilliseconds)
    }
}

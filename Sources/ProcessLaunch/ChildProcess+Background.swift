extension ChildProcess {
    /// Starts `executable` with its streams on `/dev/null` and reaps it in the
    /// background: for a program the caller never waits for (a desktop
    /// notification, opening a browser).
    /// - Throws: ``Spawn/Failure`` when it cannot start.
    public static func startInBackground(executable: String, arguments: [String], environment: [String: String]) throws {
        let child = try ChildProcess(
            executable: executable, arguments: arguments, environment: environment, input: .null, standardOutput: .discard,
            standardError: .discard)
        Task.detached { _ = await child.waitForExit() }
    }
}

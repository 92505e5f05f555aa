public import Foundation

/// One process launch at a time: swift-corelibs-foundation's `Process.run()`
/// is not safe to call from several threads at once (it crashed copying the
/// environment while parallel tests launched `poc` and `poc-relay`).
private let launchLock = NSLock()

extension Process {
    /// `run()`, serialised with every other launch made through it in this process.
    /// - Throws: What `run()` throws.
    public func runSerialized() throws {
        launchLock.lock()
        defer { launchLock.unlock() }
        try run()
    }
}

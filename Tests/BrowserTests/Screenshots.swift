import Foundation

/// Where the browser tests save their screenshots: `POC_SCREENSHOT_DIR`, else
/// `.build/test-screenshots/SUITE` under the working directory (the package
/// root under `swift test`). Printed in the test log.
enum Screenshots {
    static func folder(_ suite: String) -> String {
        let environment = ProcessInfo.processInfo.environment
        let root =
            environment["POC_SCREENSHOT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(".build/test-screenshots")
        return (root as NSString).appendingPathComponent(suite)
    }
}

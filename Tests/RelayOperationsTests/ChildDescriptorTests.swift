import Foundation
import ProcessLaunch
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Children inherit no descriptor but their three standard ones")
struct ChildDescriptorTests {
    @Test("a descriptor the parent holds open without close-on-exec is closed in the child")
    func noInheritedDescriptors() async throws {
        // An ordinary open file without O_CLOEXEC, as a listening socket or a pipe may be.
        let held = open("/dev/null", O_RDONLY)
        try #require(held > 2)
        defer { close(held) }
        let child = try ChildProcess(
            executable: "/bin/sh", arguments: ["-c", "ls /proc/$$/fd"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(await child.waitForExit(timeout: .seconds(20)) == 0)
        await child.waitForOutput()
        let open = String(decoding: child.standardOutput, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
        #expect(!open.contains(held), "the child still holds descriptor \(held): \(open)")
        #expect(Set(open).isSuperset(of: [0, 1, 2]), "\(open)")
    }
}

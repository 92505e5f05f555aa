public import Foundation
import Glibc

/// Reading child-process pipes in tests without Foundation's `FileHandle`
/// reads, which trap on `EINTR` (`Interrupted system call`): signals such as
/// the `SIGCHLD` of a killed relay arrive while other threads read.
extension FileHandle {
    /// The next chunk (up to 64 KiB), or empty at end of file; retries on `EINTR`.
    public func readChunkRetryingInterrupts() -> Data {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count >= 0 { return Data(buffer.prefix(count)) }
            if errno != EINTR { return Data() }
        }
    }

    /// Everything until end of file; retries on `EINTR`. Blocks: call it off
    /// the cooperative thread pool.
    public func readToEndRetryingInterrupts() -> Data {
        var data = Data()
        while true {
            let chunk = readChunkRetryingInterrupts()
            if chunk.isEmpty { return data }
            data.append(chunk)
        }
    }
}

public import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Files the user names on the command line (a body, an attachment, an
/// export), read and written with the system's reason on failure instead of
/// a bare "cannot read", and a full disk reported rather than lost.
public enum LocalFile {
    /// The contents of `path`.
    /// - Parameter what: How the error names the file, e.g. "the attachment".
    /// - Throws: A usage error with the system's reason (no such file, permission denied, a folder).
    public static func contents(of path: String, what: String = "") throws(PocError) -> Data {
        let name = what.isEmpty ? path : "\(what) \(path)"
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw PocError.usage("cannot read \(name): \(reason(errno))") }
        defer { close(descriptor) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { return data }
            if count < 0 {
                if errno == EINTR { continue }
                throw PocError.usage("cannot read \(name): \(reason(errno))")
            }
            data.append(contentsOf: buffer[0..<count])
        }
    }

    /// Writes `data` to `path`, created with `mode` (a regular file that
    /// exists is truncated and given `mode` too), synced before it is closed.
    /// - Throws: An I/O error (74) with the system's reason, e.g. "No space left on device".
    public static func save(_ data: Data, to path: String, mode: mode_t = 0o600) throws(PocError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw PocError("cannot write \(path): \(reason(errno))", status: .ioError) }
        var info = stat()
        if fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG { _ = fchmod(descriptor, mode) }
        var failure: Int32?
        data.withUnsafeBytes { bytes in
            guard let base = bytes.baseAddress else { return }
            var offset = 0
            while offset < bytes.count {
                let written = write(descriptor, base + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure == nil, fsync(descriptor) != 0, errno != EINVAL, errno != EROFS { failure = errno }
        if close(descriptor) != 0, failure == nil { failure = errno }
        if let failure { throw PocError("cannot write \(path): \(reason(failure))", status: .ioError) }
    }

    private static func reason(_ code: Int32) -> String { String(cString: strerror(code)) }
}

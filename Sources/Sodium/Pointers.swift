/// libsodium marks its pointer parameters `nonnull`, so Swift imports them as
/// non-optional; an empty buffer may have no base address. These accessors
/// give a valid pointer in every case (a private byte for empty buffers, which
/// libsodium never reads for a zero length).
nonisolated(unsafe) private let emptyByte = UnsafeMutablePointer<UInt8>.allocate(capacity: 1)

extension UnsafeRawBufferPointer {
    /// The buffer's bytes as a C `const unsigned char *`.
    var bytes: UnsafePointer<UInt8> {
        baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(emptyByte)
    }
}

extension UnsafeMutableRawBufferPointer {
    /// The buffer's bytes as a C `unsigned char *`.
    var bytes: UnsafeMutablePointer<UInt8> {
        baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? emptyByte
    }
}

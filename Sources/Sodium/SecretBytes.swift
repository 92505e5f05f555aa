internal import CSodium
public import Foundation

/// Secret material (private keys, content keys, passphrases) that is zeroed
/// with `sodium_memzero` when the last reference goes away.
///
/// - Equality is constant-time (`sodium_memcmp`).
/// - `description` and `debugDescription` never show the bytes.
/// - Bytes are reachable only through ``withUnsafeBytes(_:)``, so secrets are
///   not copied into `Data` by accident.
///
/// ```swift
/// let key = SecretBytes.random(count: 32)
/// print(key) // <redacted>
/// ```
public final class SecretBytes: @unchecked Sendable, Equatable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    // Safe as Sendable: the storage is written only during `init` and zeroed
    // in `deinit`; between the two it is only read.
    private let storage: UnsafeMutableRawBufferPointer

    /// Number of secret bytes.
    public let count: Int

    /// Creates `count` bytes filled in place by `initializer`.
    ///
    /// - Parameters:
    ///   - count: The number of bytes.
    ///   - initializer: Writes the secret; it must not copy it elsewhere.
    /// - Throws: Whatever `initializer` throws; the storage is zeroed first.
    public init(count: Int, initializer: (UnsafeMutableRawBufferPointer) throws -> Void) rethrows {
        SodiumRuntime.ensure()
        precondition(count >= 0, "negative secret length")
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        storage.initializeMemory(as: UInt8.self, repeating: 0)
        do {
            try initializer(UnsafeMutableRawBufferPointer(rebasing: storage[0..<count]))
        } catch {
            sodium_memzero(storage.baseAddress, storage.count)
            storage.deallocate()
            throw error
        }
        self.storage = storage
        self.count = count
    }

    /// Copies `bytes` into a new secret. The caller remains responsible for
    /// the source (zero it with ``SecretBytes/zero(_:)`` if it is mutable).
    public convenience init(copying bytes: some ContiguousBytes) {
        self.init(count: bytes.withUnsafeBytes { $0.count }) { destination in
            bytes.withUnsafeBytes { source in
                destination.copyMemory(from: source)
            }
        }
    }

    /// `count` bytes from libsodium's CSPRNG (`randombytes_buf`).
    public static func random(count: Int) -> SecretBytes {
        SecretBytes(count: count) { randombytes_buf($0.bytes, $0.count) }
    }

    deinit {
        sodium_memzero(storage.baseAddress, storage.count)
        storage.deallocate()
    }

    /// Calls `body` with a read-only view of the secret. Do not let the
    /// pointer escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(rebasing: storage[0..<count]))
    }

    /// Constant-time comparison; different lengths compare unequal.
    public static func == (lhs: SecretBytes, rhs: SecretBytes) -> Bool {
        guard lhs.count == rhs.count else { return false }
        if lhs.count == 0 { return true }
        return sodium_memcmp(lhs.storage.baseAddress, rhs.storage.baseAddress, lhs.count) == 0
    }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "SecretBytes(<redacted>, \(count) bytes)" }

    /// Zeroes a mutable buffer in place (`sodium_memzero`).
    public static func zero(_ data: inout Data) {
        data.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, $0.count) }
    }

    /// Zeroes a mutable byte array in place (`sodium_memzero`).
    public static func zero(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { sodium_memzero($0.baseAddress, $0.count) }
    }
}

/// Constant-time equality of two public byte strings of equal length (MACs,
/// hashes, token digests). Different lengths compare unequal at once: lengths
/// are not secret.
public func constantTimeEqual(_ lhs: some ContiguousBytes, _ rhs: some ContiguousBytes) -> Bool {
    SodiumRuntime.ensure()
    return lhs.withUnsafeBytes { l in
        rhs.withUnsafeBytes { r in
            guard l.count == r.count else { return false }
            if l.count == 0 { return true }
            return sodium_memcmp(l.baseAddress, r.baseAddress, l.count) == 0
        }
    }
}

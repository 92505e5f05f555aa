import Foundation
public import Sodium

/// The relay's Ed25519 signing key on disk: the 32-byte seed in base64 in a
/// file of mode 0600 in the data directory.
///
/// The key signs the directory and every ping; its fingerprint is the
/// relay id that POCs pin. It is not encrypted (the relay starts unattended):
/// file permissions and the host's disk encryption protect it.
public enum RelayKeyFile {
    /// The file name inside the data directory.
    public static let fileName = "relay.key"

    /// Why the key file cannot be used.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        /// A one-line explanation.
        public let description: String
    }

    /// Creates a new key file; refuses to overwrite one.
    /// - Returns: The new key pair.
    /// - Throws: ``Failure`` if the file exists or cannot be written.
    public static func create(at path: String) throws -> SigningKeyPair {
        let pair = SigningKeyPair()
        var text = pair.seed.withUnsafeBytes { Data($0) }
        defer { SecretBytes.zero(&text) }
        var encoded = Data(text.base64EncodedString().utf8) + [0x0A]
        defer { SecretBytes.zero(&encoded) }
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw Failure(
                description: errno == EEXIST
                    ? "\(path) already exists; refusing to replace the relay's key" : "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let written = encoded.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == encoded.count, fsync(fd) == 0 else {
            throw Failure(description: "cannot write \(path): \(String(cString: strerror(errno)))")
        }
        return pair
    }

    /// Loads the key, refusing a file that others can read.
    /// - Throws: ``Failure`` naming the problem and the fix.
    public static func load(from path: String) throws -> SigningKeyPair {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Failure(description: "cannot read \(path): \(String(cString: strerror(errno))) (run `poc-relay init` first)")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw Failure(description: "\(path) is readable by other users; run `chmod 600 \(path)`")
        }
        guard var data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "cannot read \(path)")
        }
        defer { SecretBytes.zero(&data) }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard var seed = Data(base64Encoded: text), seed.count == SigningKeyPair.seedByteCount else {
            throw Failure(description: "\(path) does not hold a relay key")
        }
        defer { SecretBytes.zero(&seed) }
        do {
            return try SigningKeyPair(seed: SecretBytes(copying: seed))
        } catch {
            throw Failure(description: "\(path) does not hold a relay key")
        }
    }
}

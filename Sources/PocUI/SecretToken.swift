import Foundation
import Sodium

/// A random 32-byte token, as 64 lowercase hex digits: the login token, the
/// session cookie and the CSRF token. Compared in constant time only.
struct SecretToken: Sendable {
    /// The hex digits as bytes (what travels in the URL, the cookie or the form).
    private let hex: [UInt8]

    /// A fresh token from libsodium's CSPRNG.
    init() {
        let digits = Array("0123456789abcdef".utf8)
        let random = SecretBytes.random(count: 32)
        hex = random.withUnsafeBytes { bytes in bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] } }
    }

    /// The token as text.
    var text: String { String(decoding: hex, as: UTF8.self) }

    /// Whether `candidate` is this token; constant time in the content
    /// (lengths are not secret: every token has 64 digits).
    func matches(_ candidate: some StringProtocol) -> Bool {
        constantTimeEqual(hex, Array(candidate.utf8))
    }
}

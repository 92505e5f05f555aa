public import Foundation
public import Sodium

/// A message that passed every check of section 4.4: decrypted, signed by
/// its sender, header and inner message in agreement, the opener a recipient.
///
/// Only ``Envelope/open(as:with:senderKey:)`` makes one.
public struct OpenedMessage: Sendable {
    /// The envelope it came in.
    public let envelope: Envelope
    /// The parsed inner message.
    public let inner: InnerMessage
    /// The exact inner bytes the sender signed.
    public let innerBytes: Data
    /// The sender's 64-byte signature over `"POCRELAY-MSG-V1\n" || innerBytes`.
    public let signature: Data

    /// `sig || inner`, as carried by a forward (section 4.5).
    public var signedBytes: Data { signature + innerBytes }
}

extension Envelope {
    /// Opens and verifies the envelope as recipient `me` (section 4.4).
    ///
    /// - Parameters:
    ///   - me: The opener's POC id.
    ///   - keyPair: The opener's X25519 key pair.
    ///   - senderKey: `from`'s Ed25519 key, from the verified directory.
    /// - Returns: The verified message.
    /// - Throws: ``OpenFailure`` naming the first check that failed.
    public func open(as me: POCID, with keyPair: BoxKeyPair, senderKey: SigningPublicKey) throws(OpenFailure) -> OpenedMessage {
        guard to.contains(me), let wrapped = keys[me] else {
            throw OpenFailure(.notARecipient, "message \(id) is not addressed to \(me)")
        }
        let key: SecretBytes
        do { key = try SealedBox.open(wrapped, with: keyPair) } catch {
            throw OpenFailure(.undecryptable, "the content key of message \(id) does not open with the key of \(me)")
        }
        guard constantTimeEqual(Self.commitment(to: key), commitment) else {
            throw OpenFailure(.commitmentMismatch, "message \(id) does not match its key commitment")
        }
        let nonce = body.prefix(XChaCha20Poly1305.nonceByteCount)
        var plaintext: Data
        do {
            plaintext = try XChaCha20Poly1305.open(
                body.dropFirst(XChaCha20Poly1305.nonceByteCount), authenticating: associatedData, key: key, nonce: nonce)
        } catch {
            throw OpenFailure(.undecryptable, "message \(id) does not decrypt: its header or body was altered")
        }
        defer { SecretBytes.zero(&plaintext) }
        let signed = try Self.verifySigned(Data(plaintext), senderKey: senderKey, id: id)
        let inner = signed.inner
        guard inner.id == id, inner.from == from, inner.urgency == urgency, inner.exercise == exercise,
            inner.to.count == to.count, Set(inner.to) == Set(to)  // both free of duplicates
        else {
            throw OpenFailure(.envelopeMismatch, "the signed content of message \(id) disagrees with its envelope")
        }
        return OpenedMessage(envelope: self, inner: inner, innerBytes: signed.innerBytes, signature: signed.signature)
    }

    /// Verifies `sig || inner` bytes (a forwarded original or a consent)
    /// against the claimed sender's key and parses the inner message.
    /// - Throws: ``OpenFailure`` (`badSignature` or `malformedInner`).
    public static func verifySigned(
        _ signedBytes: Data, senderKey: SigningPublicKey, id: MessageID? = nil
    ) throws(OpenFailure) -> (inner: InnerMessage, innerBytes: Data, signature: Data) {
        let label = id.map { "message \($0)" } ?? "the signed message"
        let sigCount = SigningPublicKey.signatureByteCount
        guard signedBytes.count > sigCount else {
            throw OpenFailure(.malformedInner, "\(label) is too short to hold a signature")
        }
        let signature = Data(signedBytes.prefix(sigCount))
        let innerBytes = Data(signedBytes.dropFirst(sigCount))
        guard senderKey.isValidSignature(signature, for: DomainSeparation.message + innerBytes) else {
            throw OpenFailure(.badSignature, "\(label) is not signed by its claimed sender")
        }
        do {
            return (try InnerMessage.parse(innerBytes), innerBytes, signature)
        } catch {
            throw OpenFailure(.malformedInner, "\(label) is signed but its content is not a valid protocol message")
        }
    }
}

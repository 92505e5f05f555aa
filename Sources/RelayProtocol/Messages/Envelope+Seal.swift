public import Foundation
public import Sodium

extension Envelope {
    /// Seals `inner` for its recipients (section 4.2), serialising it once.
    ///
    /// - Parameters:
    ///   - inner: The message; its `id`, `from`, `to`, `urgency` and `exercise` form the header.
    ///   - signer: The sender's identity key pair.
    ///   - recipientKeys: The X25519 key of every recipient in `inner.to`.
    /// - Returns: The envelope to submit.
    /// - Throws: ``WireError`` when a recipient has no key or `to` is invalid.
    public static func seal(
        _ inner: InnerMessage, signer: SigningKeyPair, recipientKeys: [POCID: BoxPublicKey]
    ) throws -> Envelope {
        try seal(
            innerBytes: inner.serialized(), id: inner.id, from: inner.from, to: inner.to, urgency: inner.urgency,
            exercise: inner.exercise, signer: signer, recipientKeys: recipientKeys)
    }

    /// Seals already-serialised inner bytes under the given header.
    ///
    /// The caller vouches that the header matches the bytes; recipients check it.
    /// - Throws: ``WireError`` when a recipient has no key or `to` is invalid.
    public static func seal(
        innerBytes: Data, id: MessageID, from: POCID, to: [POCID], urgency: Urgency, exercise: Bool,
        signer: SigningKeyPair, recipientKeys: [POCID: BoxPublicKey]
    ) throws(WireError) -> Envelope {
        var sealed = try sealKeepingSigned(
            innerBytes: innerBytes, id: id, from: from, to: to, urgency: urgency, exercise: exercise, signer: signer,
            recipientKeys: recipientKeys)
        SecretBytes.zero(&sealed.signedInner)
        return sealed.envelope
    }

    /// Seals already-serialised inner bytes and also returns the signed
    /// plaintext (`signature || inner bytes`, what a recipient verifies), so a
    /// sender that keeps its own record does not sign a second time.
    ///
    /// The caller owns `signedInner`: it is plaintext, to be kept encrypted and
    /// zeroed after use (``SecretBytes/zero(_:)``).
    /// - Throws: ``WireError`` when a recipient has no key or `to` is invalid.
    public static func sealKeepingSigned(
        innerBytes: Data, id: MessageID, from: POCID, to: [POCID], urgency: Urgency, exercise: Bool,
        signer: SigningKeyPair, recipientKeys: [POCID: BoxPublicKey]
    ) throws(WireError) -> (envelope: Envelope, signedInner: Data) {
        try Recipients.validate(to)
        var signedPlaintext = signer.signature(for: DomainSeparation.message + innerBytes)
        signedPlaintext.append(innerBytes)

        let key = XChaCha20Poly1305.generateKey()
        let nonce = XChaCha20Poly1305.generateNonce()
        let ad = associatedData(id: id, from: from, urgency: urgency, exercise: exercise, to: to)
        var body = nonce
        do {
            body.append(try XChaCha20Poly1305.seal(signedPlaintext, authenticating: ad, key: key, nonce: nonce))
        } catch {
            // Key and nonce come from the generators above with the right sizes.
            preconditionFailure("XChaCha20-Poly1305 refused generated key or nonce: \(error)")
        }
        var keys: [POCID: Data] = [:]
        keys.reserveCapacity(to.count)
        for recipient in to {
            guard let boxKey = recipientKeys[recipient] else {
                SecretBytes.zero(&signedPlaintext)
                throw WireError(.invalidField, field: "to", "no encryption key is known for \(recipient)")
            }
            keys[recipient] = SealedBox.seal(key, to: boxKey)
        }
        let envelope = Envelope(
            id: id, from: from, to: to, urgency: urgency, exercise: exercise, keys: keys,
            commitment: commitment(to: key), body: body)
        return (envelope, signedPlaintext)
    }
}

import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayTestSupport
import Sodium
import Testing

@Suite("Key certificates only move forward")
struct KeyRotationTests {
    @Test("a stolen session token cannot roll an encryption key back to an older certificate")
    func noKeyRollback() async throws {
        try await withScene { scene in
            let original = scene.fra.entry.keyCertificate
            let newKeys = BoxKeyPair()
            let rotated = try await scene.fra.session.rotateBoxKey(scene.fra.rotation(boxKey: newKeys.publicKey))
            #expect(rotated.keyCertificate.boxKey == newKeys.publicKey)
            // Whoever holds the token replays the old (public, validly signed) certificate.
            let replay = try await scene.api.send(
                RawRequest("POST", "/v1/keys/box", body: try WireJSON.encode(BoxKeyRotation(original)), token: scene.token(scene.fra)))
            #expect(replay.status == 422)
            _ = try replay.problem()
            let listed = try await scene.kor.session.directory().entries.first { $0.pocID == scene.fra.id }
            #expect(listed?.keyCertificate.boxKey == newKeys.publicKey)
            // A new key, signed now, still rotates.
            let newer = BoxKeyPair()
            #expect(try await scene.fra.session.rotateBoxKey(scene.fra.rotation(boxKey: newer.publicKey)).keyCertificate.boxKey == newer.publicKey)
        }
    }
}

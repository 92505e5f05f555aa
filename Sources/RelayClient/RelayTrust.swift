import Foundation
import NIOSSL

/// Which certificate authorities the client trusts for the relay's TLS certificate.
///
/// Certificate verification is always full (chain and host name); there is
/// no option to turn it off.
public enum RelayTrust: Sendable, Hashable {
    /// The operating system's trust store.
    case systemStore
    /// Only the CA certificates in this PEM file (a private relay CA).
    case caFile(String)
}

extension RelayTrust {
    /// The TLS configuration for this trust choice.
    /// - Throws: ``RelayClientError/Kind/badConfiguration(_:)`` when the CA
    ///   file is missing, unreadable or holds no PEM certificate.
    func tlsConfiguration(relay: String) throws(RelayClientError) -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .fullVerification
        tls.minimumTLSVersion = .tlsv12
        switch self {
        case .systemStore:
            tls.trustRoots = .default
        case .caFile(let path):
            tls.trustRoots = .certificates(try Self.loadCertificates(path: path, relay: relay))
        }
        return tls
    }

    /// Reads every certificate of a PEM file.
    /// - Throws: ``RelayClientError/Kind/badConfiguration(_:)`` naming the file and the problem.
    static func loadCertificates(path: String, relay: String) throws(RelayClientError) -> [NIOSSLCertificate] {
        func fail(_ why: String) -> RelayClientError {
            RelayClientError(.badConfiguration("CA file \(path) \(why)"), context: "reading the CA file", relay: relay)
        }
        var isDirectory: ObjCBool = false
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("does not exist")
        }
        guard !isDirectory.boolValue else { throw fail("is a directory, not a PEM file") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw fail("cannot be read (permissions)") }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            throw fail("holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
        }
        guard !certificates.isEmpty else { throw fail("holds no PEM certificate") }
        return certificates
    }
}

import Foundation
import ProcessLaunch
public import RelayServer

/// A development CA and a localhost server certificate made once per test
/// process by `certs/make-dev-certs.sh` (openssl), in a temporary folder.
public enum DevCertificates {
    /// The files.
    public struct Files: Sendable {
        /// The CA certificate clients trust.
        public let caFile: String
        /// The server's TLS files.
        public let server: RelayServerConfiguration.TLSFiles
    }

    /// The repository root, from this file's location.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// Made on first use; later uses share them.
    public static let shared: Result<Files, any Error> = Result {
        let directory = try TemporaryDirectory(prefix: "poc-relay-certs")
        let script = (repositoryRoot as NSString).appendingPathComponent("certs/make-dev-certs.sh")
        let process = try ChildProcess(
            executable: "/bin/bash", arguments: [script, directory.path], environment: ProcessInfo.processInfo.environment,
            standardOutput: .discard, standardError: .inherit)
        let status = process.waitUntilExit()
        guard status == 0 else { throw CertificateError(status: status) }
        return Files(
            caFile: directory.file("dev-ca.pem"),
            server: .init(certificateChainPath: directory.file("server.pem"), privateKeyPath: directory.file("server.key")))
    }

    struct CertificateError: Error, CustomStringConvertible {
        let status: Int32
        var description: String { "certs/make-dev-certs.sh failed with status \(status)" }
    }
}

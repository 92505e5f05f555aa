import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns the errors of AsyncHTTPClient, SwiftNIO and NIOSSL into
/// ``RelayClientError`` kinds with plain words.
enum TransportFailure {
    /// Classifies an error thrown while executing a request or reading its answer.
    /// - Parameters:
    ///   - error: What AsyncHTTPClient threw.
    ///   - timeout: The request's time limit, for the message.
    static func kind(of error: any Error, timeout: Duration) -> RelayClientError.Kind {
        if error is CancellationError { return .cancelled }
        if let error = error as? HTTPClientError { return kind(of: error, timeout: timeout) }
        if let error = error as? NIOConnectionError { return .unreachable(words(for: error)) }
        if let error = error as? IOError { return .unreachable(words(forErrno: error.errnoCode)) }
        if let error = error as? ChannelError, case .connectTimeout = error { return .unreachable("the connection timed out") }
        if let error = error as? NIOSSLError { return .unreachable(words(for: error)) }
        if let error = error as? NIOSSLExtraError { return .unreachable(words(for: error)) }
        if let error = error as? NIOTooManyBytesError {
            return .badResponse("the answer is larger than the \(error.maxBytes.map(String.init) ?? "set")-byte limit")
        }
        if error is SocketAddressError { return .unreachable("the relay's host name cannot be resolved") }
        return .unreachable("the connection failed (\(String(describing: type(of: error))))")
    }

    private static func kind(of error: HTTPClientError, timeout: Duration) -> RelayClientError.Kind {
        switch error {
        case .cancelled: return .cancelled
        case .connectTimeout: return .unreachable("the connection timed out")
        case .tlsHandshakeTimeout: return .unreachable("the TLS handshake timed out")
        case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
            return .unreachable("no answer within \(seconds(timeout)) s")
        case .remoteConnectionClosed: return .unreachable("the relay closed the connection before answering")
        case .invalidURL, .emptyHost, .emptyScheme: return .badConfiguration("the relay URL is not valid")
        case .alreadyShutdown: return .badConfiguration("the HTTP client was already shut down")
        case .uncleanShutdown: return .unreachable("the TLS connection was cut without a proper close")
        case .bodyLengthMismatch: return .unreachable("the answer was cut short")
        default:
            // shortDescription never holds associated values (header values, which may be tokens).
            switch error.shortDescription {
            case "Invalid header field names", "Invalid header field values":
                return .invalidRequest("a header name or value cannot be sent (\(error.shortDescription.lowercased()))")
            default:
                return .unreachable("HTTP failure (\(error.shortDescription.lowercased()))")
            }
        }
    }

    /// Words for a failed connection attempt (DNS, then the socket errors).
    static func words(for error: NIOConnectionError) -> String {
        if error.dnsAError != nil || error.dnsAAAAError != nil {
            return "the host name \(error.host) cannot be resolved"
        }
        for failure in error.connectionErrors {
            if let io = failure.error as? IOError { return words(forErrno: io.errnoCode) }
        }
        if let first = error.connectionErrors.first {
            return "the connection failed (\(String(describing: type(of: first.error))))"
        }
        return "the host name \(error.host) resolves to no address"
    }

    /// Words for a socket error number.
    static func words(forErrno code: CInt) -> String {
        switch code {
        case ECONNREFUSED: return "connection refused (is the relay running on that port?)"
        case ETIMEDOUT: return "the connection timed out"
        case ENETUNREACH: return "the network is unreachable"
        case EHOSTUNREACH: return "no route to the host"
        case ECONNRESET: return "the connection was reset"
        case EPIPE: return "the connection was closed while sending"
        case EADDRNOTAVAIL: return "the address is not available"
        default: return "the connection failed (errno \(code))"
        }
    }

    /// Words for a TLS failure; certificate problems name the likely fix.
    static func words(for error: NIOSSLError) -> String {
        switch error {
        case .handshakeFailed(let ssl):
            let text = String(describing: ssl)
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return "TLS handshake failed: the relay's certificate is not signed by a trusted authority "
                    + "(check the CA file given for this relay)"
            }
            if text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH_TOO_LONG") {
                return "TLS handshake failed: the relay does not speak TLS on that port (plain HTTP?)"
            }
            return "TLS handshake failed"
        case .uncleanShutdown: return "the TLS connection was cut without a proper close"
        case .noCertificateToValidate, .unableToValidateCertificate:
            return "TLS handshake failed: the relay's certificate cannot be validated"
        default: return "TLS failure (\(error))"
        }
    }

    /// Words for NIOSSL's extra errors (host name checks).
    static func words(for error: NIOSSLExtraError) -> String {
        if error == .failedToValidateHostname || error == .serverHostnameImpossibleToMatch {
            return "TLS handshake failed: the relay's certificate is not valid for this host name"
        }
        return "TLS failure (\(error))"
    }

    /// Whole seconds of `duration`, rounded up.
    static func seconds(_ duration: Duration) -> Int64 {
        let (s, attos) = duration.components
        return attos > 0 ? s + 1 : s
    }
}

/// A failure the `poc` tool reports as one line, with an exit code from
/// sysexits(3) that scripts can branch on.
public struct PocError: Error, CustomStringConvertible, Sendable {
    /// Exit codes, documented in `poc --help`.
    public enum ExitStatus: Int32, Sendable {
        /// Something else went wrong.
        case failure = 1
        /// Bad command line or input (EX_USAGE).
        case usage = 64
        /// A message failed to open or verify (EX_DATAERR).
        case dataError = 65
        /// The relay is unreachable (EX_UNAVAILABLE).
        case unavailable = 69
        /// A file could not be written, e.g. a full disk (EX_IOERR).
        case ioError = 74
        /// Credentials refused (EX_NOPERM).
        case noPermission = 77
        /// Cancelled at a prompt (Ctrl-C), as a shell reports SIGINT.
        case cancelled = 130
    }

    /// The one-line message, lowercase, no final period.
    public let message: String
    /// An optional hint line.
    public let hint: String?
    /// The exit status.
    public let status: ExitStatus

    /// Creates an error.
    public init(_ message: String, hint: String? = nil, status: ExitStatus = .failure) {
        self.message = message
        self.hint = hint
        self.status = status
    }

    public var description: String { message }

    /// A usage error (64).
    public static func usage(_ message: String, hint: String? = nil) -> PocError { PocError(message, hint: hint, status: .usage) }
}

internal import GRDB

/// An error thrown by ``RelayStore``.
///
/// Compare errors by ``code`` (`==` looks at the code only). The ``reason``
/// is for logs and operators: it never contains a bound value (token hash,
/// key, body, signature), only what went wrong.
public struct StoreError: Error, Hashable, CustomStringConvertible {
    /// What kind of failure happened. New codes may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case inviteInvalid
            case notFound
            case duplicate
            case invalidArgument
            case storeNewerThanBinary
            case corrupt
            case unreadableRow
            case database
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The invite token is unknown, already used, or expired (one code for all three).
        public static let inviteInvalid = Code(.inviteInvalid)
        /// The record (POC, session, message...) does not exist or is not in a usable state.
        public static let notFound = Code(.notFound)
        /// A record with the same unique value (id, token hash, signing key) exists already.
        public static let duplicate = Code(.duplicate)
        /// An argument broke an invariant of the store (unknown role, malformed state code...).
        public static let invalidArgument = Code(.invalidArgument)
        /// The database file was migrated by a newer binary: this one refuses to touch it.
        public static let storeNewerThanBinary = Code(.storeNewerThanBinary)
        /// The file is not an SQLite database, or it is damaged.
        public static let corrupt = Code(.corrupt)
        /// A stored row holds a value this binary cannot read (an urgency,
        /// role or status outside its set): never dropped in silence, it fails
        /// the read that met it, so the operator sees it (logged and counted
        /// by the service).
        public static let unreadableRow = Code(.unreadableRow)
        /// Any other SQLite failure (I/O error, disk full, busy past the timeout...).
        public static let database = Code(.database)

        /// The code's name, such as `inviteInvalid`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure happened.
    public let code: Code
    /// A human-readable explanation, free of bound values.
    public let reason: String
    /// The source file that raised the error (`#fileID`).
    public let file: String
    /// The source line that raised the error.
    public let line: Int

    /// Creates an error.
    ///
    /// - Parameters:
    ///   - code: What kind of failure happened.
    ///   - reason: A human-readable explanation; never put a bound value in it.
    ///   - file: The raising file, filled in by the compiler.
    ///   - line: The raising line, filled in by the compiler.
    public init(_ code: Code, reason: String, file: String = #fileID, line: Int = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    /// Errors are equal when their codes are equal.
    public static func == (lhs: StoreError, rhs: StoreError) -> Bool {
        lhs.code == rhs.code
    }

    /// Hashes the code only, consistently with `==`.
    ///
    /// - Parameters:
    ///   - hasher: The hasher to feed.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }

    /// `StoreError.<code>: <reason> (<file>:<line>)`.
    public var description: String {
        "StoreError.\(code): \(reason) (\(file):\(line))"
    }
}

extension StoreError {
    /// Converts any error escaping GRDB into a ``StoreError``; store errors and
    /// cancellation pass through unchanged.
    ///
    /// Only the SQLite result code and SQLite's own message are kept: that
    /// message names tables and columns, never bound values, and the GRDB
    /// error (which holds the statement arguments) is dropped here.
    static func wrapping(_ error: any Error, file: String = #fileID, line: Int = #line) -> any Error {
        if error is StoreError || error is CancellationError {
            return error
        }
        if let dbError = error as? DatabaseError {
            let reason = "SQLite error \(dbError.resultCode.rawValue): \(dbError.message ?? "no message")"
            switch dbError.resultCode {
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return StoreError(.corrupt, reason: reason, file: file, line: line)
            default:
                return StoreError(.database, reason: reason, file: file, line: line)
            }
        }
        return StoreError(.database, reason: "unexpected \(type(of: error))", file: file, line: line)
    }
}

/// The version both command lines print for `--version`.
public enum ToolVersion {
    /// This release of `poc` and `poc-relay`, which speak the wire protocol
    /// version ``protocolVersion``.
    public static let current = "0.13.0"
    /// The version of docs/protocol.md these tools implement.
    public static let protocolVersion = "1.1"
    /// The line `--version` prints: `0.13.0 (protocol 1.1)`.
    public static let line = "\(current) (protocol \(protocolVersion))"
}

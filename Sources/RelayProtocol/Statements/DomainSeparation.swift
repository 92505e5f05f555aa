public import Foundation

/// The ten domain-separation prefixes of section 9, in one place.
///
/// Every signature, MAC and hash commitment of the protocol starts with one
/// of these, so a signature made for one purpose never verifies for another.
public enum DomainSeparation {
    /// Key certificate: binds an X25519 key to an Ed25519 identity.
    public static let key = Data("POCRELAY-KEY-V1\n".utf8)
    /// The relay's signature over the directory.
    public static let directory = Data("POCRELAY-DIR-V1\n".utf8)
    /// A sender's signature over an inner message.
    public static let message = Data("POCRELAY-MSG-V1\n".utf8)
    /// The envelope header bound as associated data.
    public static let envelope = Data("POCRELAY-ENV-V1\n".utf8)
    /// The commitment to a message's content key.
    public static let keyCommitment = Data("POCRELAY-KC-V1\n".utf8)
    /// A POC's answer to a login challenge.
    public static let auth = Data("POCRELAY-AUTH-V1\n".utf8)
    /// A recipient's receipt.
    public static let receipt = Data("POCRELAY-RCPT-V1\n".utf8)
    /// The relay's liveness ping.
    public static let ping = Data("POCRELAY-PING-V1\n".utf8)
    /// A POC's answer to a ping.
    public static let pong = Data("POCRELAY-PONG-V1\n".utf8)
    /// The relay's signature over an alert webhook body (v1.1, section 10).
    public static let alert = Data("POCRELAY-ALERT-V1\n".utf8)

    /// All ten, for tests and documentation.
    public static let all: [Data] = [key, directory, message, envelope, keyCommitment, auth, receipt, ping, pong, alert]

    /// `prefix || field1 || "\n" || field2 ...`: the shape of every signed
    /// statement of the protocol.
    static func statement(_ prefix: Data, _ fields: [String]) -> Data {
        var out = prefix
        out.append(Data(fields.joined(separator: "\n").utf8))
        return out
    }
}

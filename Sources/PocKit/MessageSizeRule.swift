import Foundation
import RelayClient
public import RelayProtocol

/// The size rule checked before a message is recorded or sent: the sealed
/// body (nonce, signature, inner JSON with its base64 attachments, tag) must
/// fit the relay's advertised `max_body_bytes`, or the relay answers 413
/// after the whole upload.
public enum MessageSizeRule {
    /// The base64 length of `count` bytes.
    public static func base64Length(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// The largest attachment (in all, one file exactly) that fits `limit`,
    /// given the sealed body size of the same message without attachment data.
    public static func maximumAttachmentBytes(limit: Int, bodyWithoutAttachmentData: Int) -> Int {
        max(0, (limit - bodyWithoutAttachmentData) / 4 * 3)
    }

    /// Refuses (64) a sealed body larger than the relay takes.
    /// - Parameters:
    ///   - bodyBytes: The sealed envelope body's size.
    ///   - inner: The message, for its attachments.
    ///   - limits: The relay's limits.
    public static func check(bodyBytes: Int, of inner: InnerMessage, limits: ProtocolLimits) throws(PocError) {
        if inner.to.count > limits.maxRecipients {
            throw PocError.usage(
                "this message names \(inner.to.count) recipients; the relay takes at most \(limits.maxRecipients) in one message",
                hint: "split the recipients over several messages")
        }
        guard bodyBytes > limits.maxBodyBytes else { return }
        let attachments = inner.attachments ?? []
        let attached = attachments.reduce(0) { $0 + $1.data.data.count }
        guard !attachments.isEmpty else {
            throw PocError.usage(
                "this message is \(describe(bytes: bodyBytes)) sealed; the relay takes at most \(describe(bytes: limits.maxBodyBytes))",
                hint: "shorten the body")
        }
        let encoded = attachments.reduce(0) { $0 + base64Length($1.data.data.count) }
        let maximum = maximumAttachmentBytes(limit: limits.maxBodyBytes, bodyWithoutAttachmentData: bodyBytes - encoded)
        throw PocError.usage(
            "the attachments (\(describe(bytes: attached))) make this message \(describe(bytes: bodyBytes)) once encoded and sealed; "
                + "the relay takes \(describe(bytes: limits.maxBodyBytes)), so at most \(describe(bytes: maximum)) of attachments fit",
            hint: "attachments grow by a third when encoded; compress the file, or split it over several messages")
    }

    /// `921600 bytes (900 KiB)`.
    static func describe(bytes: Int) -> String {
        bytes >= 1024 ? "\(bytes) bytes (\(bytes / 1024) KiB)" : "\(bytes) bytes"
    }
}

extension PocClient {
    /// The relay's advertised limits (`GET /v1/relay`), kept in the home for
    /// when the relay is unreachable; the defaults of section 8 before the first fetch.
    public func relayLimits() async -> ProtocolLimits {
        let cache = home.file("relay-limits.json")
        if let info = try? await relay({ try await api.relayInfo() }) {
            if let data = try? WireJSON.encode(info.limits) { try? home.write(data, to: "relay-limits.json") }
            return info.limits
        }
        if let data = FileManager.default.contents(atPath: cache), let limits = try? WireJSON.decode(ProtocolLimits.self, from: data) {
            return limits
        }
        return .defaults
    }
}

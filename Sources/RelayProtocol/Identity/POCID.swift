internal import Sodium

/// A POC id: an opaque, relay-assigned string matching `^[A-Za-z0-9._-]{1,64}$`.
///
/// The relay hands out ids like `FRA-TEC-1`; clients must not parse them.
/// Ordering is byte order, as the directory signature and the envelope's
/// associated data require.
public struct POCID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The id text.
    public let rawValue: String

    /// Validates an id.
    /// - Throws: ``WireError/Code/malformedID``.
    public init(_ text: String, field: String = "poc_id") throws(WireError) {
        guard Self.isValid(text) else {
            throw WireError(.malformedID, field: field, "must be 1 to 64 characters of A-Z a-z 0-9 . _ -")
        }
        self.rawValue = text
    }

    /// Validates a list of ids (decoding `[String]` first is much cheaper
    /// than one decoder container per id).
    /// - Throws: ``WireError/Code/malformedID`` naming `field`.
    public static func list(_ texts: [String], field: String) throws(WireError) -> [POCID] {
        var ids: [POCID] = []
        ids.reserveCapacity(texts.count)
        for text in texts { ids.append(try POCID(text, field: field)) }
        return ids
    }

    /// True when `text` has the shape of a POC id.
    public static func isValid(_ text: String) -> Bool {
        let bytes = text.utf8
        guard (1...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            (0x30...0x39).contains(b) || (0x41...0x5A).contains(b) || (0x61...0x7A).contains(b) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch { throw error.at(decoder.codingPath) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }

    /// Byte order. Ids are ASCII, where Swift's string order is byte order.
    public static func < (lhs: POCID, rhs: POCID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A state: an ISO 3166-1 alpha-3 code (custodians use `UNO`).
public struct StateCode: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The three uppercase letters.
    public let rawValue: String

    /// The code custodians use.
    public static let custodian = try! StateCode("UNO")  // a valid literal

    /// Validates a code (three uppercase ASCII letters).
    /// - Throws: ``WireError/Code/malformedID``.
    public init(_ text: String, field: String = "state") throws(WireError) {
        guard text.utf8.count == 3, text.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
            throw WireError(.malformedID, field: field, "must be an ISO 3166-1 alpha-3 code in capitals, like FRA")
        }
        self.rawValue = text
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch { throw error.at(decoder.codingPath) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (lhs: StateCode, rhs: StateCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A message id: 32 lowercase hex digits (16 random bytes), chosen by the sender.
public struct MessageID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The 32 hex digits.
    public let rawValue: String

    /// Validates an id.
    /// - Throws: ``WireError/Code/malformedID``.
    public init(_ text: String, field: String = "id") throws(WireError) {
        guard text.utf8.count == 32, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw WireError(.malformedID, field: field, "must be 32 lowercase hexadecimal digits")
        }
        self.rawValue = text
    }

    private init(unchecked: String) { self.rawValue = unchecked }

    /// A fresh random id.
    public static func random() -> MessageID { MessageID(unchecked: SecureRandom.bytes(count: 16).lowercaseHex) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch { throw error.at(decoder.codingPath) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
}

/// A string enumeration of the wire (`role`, `kind`, `urgency`, `type`,
/// `tlp`, `entry_language`, `mode`).
///
/// A string outside the set is well-formed but invalid (docs/protocol.md 1.1,
/// section 5): decoding it throws ``WireError/Code/unknownValue`` (422)
/// naming the allowed values, never the value sent, instead of the
/// `DecodingError` (400) of a plain `RawRepresentable`.
public protocol WireEnumeration: RawRepresentable, CaseIterable, Codable, Sendable where RawValue == String {}

extension WireEnumeration {
    /// The allowed values in byte order, e.g. `flash, immediate, priority, routine`.
    public static var allowedValues: String { allCases.map(\.rawValue).sorted().joined(separator: ", ") }

    /// The value spelt `text`.
    /// - Throws: ``WireError/Code/unknownValue`` naming `field` and the allowed values.
    public init(wire text: String, field: String) throws(WireError) {
        guard let value = Self(rawValue: text) else {
            throw WireError(.unknownValue, field: field, "must be one of \(Self.allowedValues)")
        }
        self = value
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(wire: text, field: "") } catch { throw error.at(decoder.codingPath) }
    }
}

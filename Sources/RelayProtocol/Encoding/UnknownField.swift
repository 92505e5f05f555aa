/// A JSON object field a wire type does not define.
///
/// Types that check their own fields throw it from `init(from:)`, so a server
/// need not re-encode what it decoded to find fields it would drop.
public struct UnknownField: Error, Sendable, Equatable {
    /// The field's name as sent.
    public let field: String

    /// An unknown `field`.
    public init(field: String) { self.field = field }

    /// Marks wire types whose decoder refuses unknown fields itself.
    public protocol Checked {}

    private struct AnyKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Throws for the first field (in byte order of names) of the object being
    /// decoded that `known` does not name; a `null` counts as absent.
    public static func check<Keys: CodingKey>(_ decoder: any Decoder, known: Keys.Type) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where Keys(stringValue: key.stringValue) == nil {
            if try container.decodeNil(forKey: key) { continue }
            throw UnknownField(field: key.stringValue)
        }
    }
}

import RelayProtocol

/// A config file object by urgency name, each a number of seconds or
/// `null`, e.g. `{"flash": 0, "immediate": 300, "routine": null}`. Only the
/// urgencies named change; an unknown name or a negative number is refused.
struct UrgencySeconds: Decodable {
    /// The urgencies named, each with its seconds or nil for `null`.
    let values: [Urgency: Int64?]

    private struct Name: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Name.self)
        var values: [Urgency: Int64?] = [:]
        for key in container.allKeys {
            guard let urgency = Urgency(rawValue: key.stringValue) else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "unknown urgency \"\(key.stringValue.prefix(32))\"; the urgencies are \(Urgency.allowedValues)")
            }
            let seconds = try container.decodeNil(forKey: key) ? nil : try container.decode(Int64.self, forKey: key)
            if let seconds, seconds < 0 {
                throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "\(key.stringValue) must be 0 or more seconds")
            }
            values[urgency] = .some(seconds)
        }
        self.values = values
    }
}

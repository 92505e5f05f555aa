import Foundation
public import RelayProtocol

/// A search of the verified directory: what `poc directory --state --role
/// --search` and the web interface's directory form ask for. One rule for
/// both, so the two front ends always list the same entries.
///
/// ```swift
/// let query = DirectoryQuery(state: try StateCode("DEU"), role: .technical, text: "cert")
/// let found = try await client.verifiedDirectory().search(query)
/// ```
public struct DirectoryQuery: Sendable, Hashable {
    /// Only entries of this state, or every state.
    public var state: StateCode?
    /// Only entries of this role, or every role.
    public var role: Role?
    /// Only entries whose id or text contains this (ignoring case and
    /// diacritics; blank is no condition).
    public var text: String?

    /// Creates a query; what is `nil` does not restrict.
    public init(state: StateCode? = nil, role: Role? = nil, text: String? = nil) {
        self.state = state
        self.role = role
        self.text = text
    }

    /// Whether the query restricts nothing.
    public var isEmpty: Bool { state == nil && role == nil && needle == nil }

    /// The text looked for, trimmed, or `nil` when blank.
    var needle: String? {
        guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        return trimmed
    }

    /// Whether `entry` is active and matches: the state, the role, and the
    /// text in the id, the entity, name, designation or e-mail address, or
    /// their English translation.
    public func matches(_ entry: DirectoryEntry) -> Bool {
        guard entry.status == .active, state == nil || entry.state == state, role == nil || entry.role == role else { return false }
        guard let needle else { return true }
        let d = entry.details
        let fields = [
            entry.pocID.rawValue, d.entity, d.name, d.designation, d.email, d.translationEn?.entity, d.translationEn?.name,
            d.translationEn?.designation,
        ]
        return fields.contains { field in
            guard let field else { return false }
            return field.range(of: needle, options: [.caseInsensitive, .diacriticInsensitive]) != nil
        }
    }
}

extension VerifiedDirectory {
    /// The active entries that match `query`, in the directory's order.
    public func search(_ query: DirectoryQuery) -> [DirectoryEntry] {
        entries.filter(query.matches)
    }

    /// The states that have an active entry, in code order (for a search form's choices).
    public var activeStates: [StateCode] {
        Set(entries.lazy.filter { $0.status == .active }.map(\.state)).sorted()
    }
}

extension Fingerprint {
    /// The groups of four digits of ``grouped``, the one grouping every front
    /// end shows: `["A0CC", "9F7B", ...]`, read aloud one by one when two POCs
    /// compare fingerprints by phone.
    public var groups: [String] {
        grouped.split(separator: " ").map(String.init)
    }
}

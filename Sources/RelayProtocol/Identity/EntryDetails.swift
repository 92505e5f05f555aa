import Foundation

/// The six official UN languages (seed A/78/265 Annex A para 7 a iv).
public enum UNLanguage: String, Hashable, Sendable, WireEnumeration {
    case ar, en, es, fr, ru, zh
}

/// Whether a POC is an institution or a designated person (Annex A 7 a i-ii).
public enum EntryKind: String, Hashable, Sendable, WireEnumeration {
    case institution, person
}

/// An optional, unofficial English translation of an entry's text fields.
public struct EntryTranslation: Hashable, Sendable, Codable {
    public var entity: String?
    public var name: String?
    public var designation: String?

    /// Creates a translation.
    public init(entity: String? = nil, name: String? = nil, designation: String? = nil) {
        self.entity = entity
        self.name = name
        self.designation = designation
    }
}

/// The descriptive fields of a directory entry: what a state publishes and
/// may update (R3, R4, R7). Never confidential content.
///
/// The relay sends these inside ``DirectoryEntry``; a POC sends them alone in
/// `POST /v1/enrol` (`entry`) and `PUT /v1/directory/me`.
public struct EntryDetails: Hashable, Sendable, Codable {
    public var kind: EntryKind
    public var entity: String
    public var website: String?
    public var name: String?
    public var designation: String?
    public var email: String?
    public var phone: String?
    /// Working languages as ISO 639 codes, e.g. `["fr", "en"]`.
    public var languages: [String]
    public var entryLanguage: UNLanguage
    public var translationEn: EntryTranslation?

    enum CodingKeys: String, CodingKey {
        case kind, entity, website, name, designation, email, phone, languages
        case entryLanguage = "entry_language"
        case translationEn = "translation_en"
    }

    /// Limits on the text fields (characters).
    public enum Limits {
        public static let text = 200
        public static let email = 254
        public static let phone = 40
        public static let website = 2048
        public static let languages = 10
    }

    /// Creates details; call ``validate()`` before use.
    public init(
        kind: EntryKind, entity: String, website: String? = nil, name: String? = nil, designation: String? = nil,
        email: String? = nil, phone: String? = nil, languages: [String], entryLanguage: UNLanguage,
        translationEn: EntryTranslation? = nil
    ) {
        self.kind = kind
        self.entity = entity
        self.website = website
        self.name = name
        self.designation = designation
        self.email = email
        self.phone = phone
        self.languages = languages
        self.entryLanguage = entryLanguage
        self.translationEn = translationEn
    }

    public func encode(to encoder: any Encoder) throws {
        // Absent optional fields are written as null, as in docs/protocol.md section 3.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(entity, forKey: .entity)
        try c.encode(website, forKey: .website)
        try c.encode(name, forKey: .name)
        try c.encode(designation, forKey: .designation)
        try c.encode(email, forKey: .email)
        try c.encode(phone, forKey: .phone)
        try c.encode(languages, forKey: .languages)
        try c.encode(entryLanguage, forKey: .entryLanguage)
        try c.encode(translationEn, forKey: .translationEn)
    }

    /// Checks the rules of section 3: `entity` required, at least one of
    /// `email` or `phone`, a `name` for a person, lengths, shapes, and in
    /// every text field no control character, line or paragraph separator, or
    /// format character (Unicode general category Cf: bidi overrides and
    /// isolates, zero-width characters, byte-order mark), so that no entry
    /// can display as another (docs/protocol.md 1.1, section 5).
    /// - Throws: ``WireError/Code/invalidField`` naming the field (and the
    ///   code point, for a character refused).
    public func validate() throws(WireError) {
        for (value, field) in [
            (entity, "entity"), (website, "website"), (name, "name"), (designation, "designation"), (email, "email"), (phone, "phone"),
            (translationEn?.entity, "translation_en.entity"), (translationEn?.name, "translation_en.name"),
            (translationEn?.designation, "translation_en.designation"),
        ] {
            if let value { try Self.characters(value, "entry.\(field)") }
        }
        try Self.text(entity, "entry.entity", required: true)
        try Self.text(name, "entry.name", required: kind == .person)
        try Self.text(designation, "entry.designation", required: false)
        if let t = translationEn {
            try Self.text(t.entity, "entry.translation_en.entity", required: false)
            try Self.text(t.name, "entry.translation_en.name", required: false)
            try Self.text(t.designation, "entry.translation_en.designation", required: false)
        }
        if (email ?? "").isEmpty && (phone ?? "").isEmpty {
            throw WireError(.invalidField, field: "entry.email", "give at least one of email or phone")
        }
        if let email, !email.isEmpty {
            let parts = email.split(separator: "@", omittingEmptySubsequences: false)
            guard email.count <= Limits.email, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
                !email.contains(where: \.isWhitespace)
            else { throw WireError(.invalidField, field: "entry.email", "must be an e-mail address like cert@example.org") }
        }
        if let phone, !phone.isEmpty {
            let allowed = Set("+0123456789 ()-./")
            guard phone.count <= Limits.phone, phone.allSatisfy(allowed.contains), phone.contains(where: \.isNumber) else {
                throw WireError(.invalidField, field: "entry.phone", "must be a phone number like +33 1 00 00 00 00")
            }
        }
        if let website, !website.isEmpty {
            guard website.count <= Limits.website, website.hasPrefix("https://") || website.hasPrefix("http://"),
                !website.contains(where: \.isWhitespace)
            else { throw WireError(.invalidField, field: "entry.website", "must be an http(s) address like https://www.example.org") }
        }
        guard !languages.isEmpty, languages.count <= Limits.languages, Set(languages).count == languages.count,
            languages.allSatisfy({ (2...3).contains($0.utf8.count) && $0.utf8.allSatisfy { (0x61...0x7A).contains($0) } })
        else {
            throw WireError(.invalidField, field: "entry.languages", "list 1 to 10 distinct language codes such as \"fr\", \"en\"")
        }
    }

    private static func text(_ value: String?, _ field: String, required: Bool) throws(WireError) {
        guard let value, !value.trimmingCharacters(in: .whitespaces).isEmpty else {
            if required { throw WireError(.invalidField, field: field, "is required") }
            return
        }
        guard value.count <= Limits.text else {
            throw WireError(.invalidField, field: field, "must be at most \(Limits.text) characters")
        }
    }

    /// Refuses the first character of `value` that can hide or disguise text:
    /// a control character (general category Cc), a line or paragraph
    /// separator (Zl, Zp), or a format character (Cf).
    private static func characters(_ value: String, _ field: String) throws(WireError) {
        guard let scalar = value.unicodeScalars.first(where: { refusedKind($0) != nil }), let kind = refusedKind(scalar) else { return }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
        throw WireError(.invalidField, field: field, "contains U+\(code) (\(kind))")
    }

    private static func refusedKind(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.properties.generalCategory {
        case .control: "a control character or line break"
        case .lineSeparator, .paragraphSeparator: "a line or paragraph separator"
        case .format: "a format character that can make one text display as another"
        default: nil
        }
    }
}

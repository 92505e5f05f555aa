import Foundation

/// The six official languages of the United Nations, the languages of the interface.
public enum UILanguage: String, CaseIterable, Sendable {
    case ar, zh, en, fr, ru, es

    /// The language's own name, as the picker shows it.
    public var nativeName: String {
        switch self {
        case .ar: "العربية"
        case .zh: "中文"
        case .en: "English"
        case .fr: "Français"
        case .ru: "Русский"
        case .es: "Español"
        }
    }

    /// Whether the language is written right to left (`<html dir="rtl">`).
    public var isRightToLeft: Bool { self == .ar }

    /// `rtl` or `ltr`.
    public var direction: String { isRightToLeft ? "rtl" : "ltr" }

    /// The language of a request: the `lang` cookie set by the picker, else the
    /// best `Accept-Language` entry we have (q-values honoured, `q=0` refused), else English.
    public static func negotiate(cookie: String?, acceptLanguage: String?) -> UILanguage {
        if let cookie, let chosen = UILanguage(rawValue: cookie) { return chosen }
        guard let acceptLanguage else { return .en }
        var best: (language: UILanguage, quality: Double, position: Int)?
        for (position, part) in acceptLanguage.split(separator: ",").enumerated() {
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { continue }
            var quality = 1.0
            for parameter in pieces.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                quality = Double(parameter.dropFirst(2)) ?? 0
            }
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard quality > 0, let language = UILanguage(rawValue: primary) else { continue }
            if best == nil || quality > best!.quality { best = (language, quality, position) }
        }
        return best?.language ?? .en
    }
}

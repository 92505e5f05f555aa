import Foundation
import RelayProtocol

/// One directory field checked on its own, by the same rules the relay
/// applies to the whole entry (``RelayProtocol/EntryDetails/validate()``),
/// so an enrolment can say what is wrong with a field as it is typed,
/// before the passphrase is asked for.
public enum EntryFieldCheck {
    /// A field a person types during enrolment.
    public enum Field: String, Sendable, CaseIterable {
        case entity, name, designation, email, phone, website
    }

    /// What is wrong with `value` as `field`, in words a user can act on; nil when it is fine.
    public static func problem(_ field: Field, _ value: String) -> String? {
        var details = EntryDetails(
            kind: .institution, entity: "Entity", email: "check@example.org", languages: ["en"], entryLanguage: .en)
        switch field {
        case .entity: details.entity = value
        case .name: details.name = value
        case .designation: details.designation = value
        case .email: details.email = value
        case .phone: details.phone = value
        case .website: details.website = value
        }
        do {
            try details.validate()
            return nil
        } catch {
            return error.field == "entry.\(field.rawValue)" ? error.reason : nil
        }
    }

    /// The invitation token as pasted: surrounding blanks and quotes removed.
    public static func trimmedToken(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"'`")))
    }

    /// Whether `token` has the shape of an invitation: `poc-invite-` and 64 lowercase hex digits.
    public static func isInvitationShaped(_ token: String) -> Bool {
        guard token.hasPrefix("poc-invite-") else { return false }
        let digits = token.dropFirst("poc-invite-".count).utf8
        return digits.count == 64 && digits.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

import Foundation
import PocKit
import RelayProtocol

/// The template values of one message: the header (sender and its key's
/// trust, urgency, EXERCISE, TLP), the body, the template's fields by type,
/// the attachments, and which actions apply.
struct MessageView {
    let catalog: Catalog
    let client: PocClient
    let directory: VerifiedDirectory

    /// What the page shows before the message is opened (no body, no receipt sent).
    func summary(_ inner: InnerMessage, acceptedAt: Timestamp?) -> [String: Any] {
        let t = catalog
        var data: [String: Any] = [
            "from": inner.from.rawValue, "urgency": inner.urgency.rawValue, "urgencyLabel": t["urgency.\(inner.urgency.rawValue)"],
            "exercise": inner.exercise, "subject": inner.subject.isEmpty ? t["inbox.no_subject"] : inner.subject,
            "typeLabel": t["type.\(inner.type.rawValue.replacingOccurrences(of: "-", with: "_"))"],
        ]
        let trust = directory.trust[inner.from] ?? .changed
        data["trust"] = trust.rawValue
        data["trustLabel"] = t["trust.\(trust.rawValue)"]
        if let tlp = inner.tlp {
            data["tlp"] = tlp.rawValue
            data["tlpClass"] = tlp.rawValue.lowercased().replacingOccurrences(of: "+", with: "-")
        }
        if let acceptedAt {
            data["acceptedAt"] = acceptedAt.description
            data["acceptedText"] = TimeText.display(acceptedAt, t)
        }
        return data
    }

    /// Everything `poc read` shows, and the actions that apply to it.
    func data(_ inner: InnerMessage, acceptedAt: Timestamp?) -> [String: Any] {
        let t = catalog
        var data = summary(inner, acceptedAt: acceptedAt)
        data["body"] = inner.body
        data["to"] = inner.to.map(\.rawValue).joined(separator: ", ")
        data["sentAt"] = inner.sentAt.description
        data["sentText"] = TimeText.display(inner.sentAt, t)
        data["sharing"] = inner.consentToShare ? t["message.sharing_yes"] : t["message.sharing_no"]
        if let reply = inner.inReplyTo { data["inReplyTo"] = reply.rawValue }
        var fields: [[String: String]] = []
        func field(_ key: String, _ value: String?) {
            if let value, !value.isEmpty { fields.append(["label": t["field.\(key)"], "value": value]) }
        }
        switch inner.type {
        case .rfi:
            if let rfi = try? inner.templateFields(RFIFields.self) {
                field("requester_name", rfi.requesterName)
                field("requester_affiliation", rfi.requesterAffiliation)
                field("incident_nature", rfi.incidentNature)
                field("incident_description", rfi.incidentDescription)
                field("information_requested", rfi.informationRequested)
                field("contact", rfi.contact)
                field("preferred_channel", rfi.preferredChannel)
                field("lead_agency", rfi.leadAgency)
            }
            data["canRespond"] = inner.from != client.me
            // The body repeats the fields as `label: value` lines: the fields are
            // shown, the text as sent only folded.
            data["bodyFolded"] = !fields.isEmpty
        case .rfiResponse:
            if let response = try? inner.templateFields(RFIResponseFields.self) {
                field("mode", t["response.mode.\(response.mode.rawValue)"])
                field("eta", response.eta.map { TimeText.display($0, t) })
                field("preferred_channel", response.preferredChannel)
                field("lead_agency", response.leadAgency)
                data["acknowledgement"] = response.mode == .acknowledge
            }
        case .consentRequest:
            if let request = try? inner.templateFields(ConsentRequestFields.self) {
                field("message_id", request.messageID.rawValue)
                field("third_party", request.thirdParty.rawValue)
                field("reason", request.reason)
            }
            data["canAnswerConsent"] = inner.from != client.me
        case .consentReply:
            if let reply = try? inner.templateFields(ConsentReplyFields.self) {
                field("message_id", reply.messageID.rawValue)
                field("third_party", reply.thirdParty.rawValue)
                field("granted", reply.granted ? t["consent.granted"] : t["consent.denied"])
            }
        case .forward:
            if let check = try? client.verifyForward(inner, in: directory) {
                field("original_id", check.original.id.rawValue)
                field("original_from", check.original.from.rawValue)
                field("verdict", check.verdict)
                field("original_subject", check.original.subject)
                data["original"] = check.original.body
            } else {
                data["forwardInvalid"] = true
            }
        default: break
        }
        data["canReply"] = true
        data["fields"] = fields
        data["hasFields"] = !fields.isEmpty
        let attachments = (inner.attachments ?? []).enumerated().map { index, attachment -> [String: Any] in
            ["index": String(index), "name": attachment.name, "mediaType": attachment.mediaType, "size": String(attachment.data.data.count)]
        }
        data["attachments"] = attachments
        data["hasAttachments"] = !attachments.isEmpty
        if ![.forward, .consentRequest, .consentReply].contains(inner.type) {
            data["canShare"] = true
            data["needsConsents"] = ConsentRule.needsConsents(inner)
            data["parties"] = client.otherParties(of: inner).map(\.rawValue).joined(separator: ", ")
        }
        return data
    }
}

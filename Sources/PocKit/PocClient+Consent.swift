import Foundation
public import RelayProtocol
import Sodium

extension PocClient {
    /// The other parties of a recorded message: its sender and recipients, minus this POC.
    public func otherParties(of inner: InnerMessage) -> [POCID] {
        var parties = [inner.from] + inner.to
        parties.removeAll { $0 == me }
        var seen = Set<POCID>()
        return parties.filter { seen.insert($0).inserted }
    }

    /// A recorded message, or a clear error.
    public func recorded(_ id: MessageID) throws(PocError) -> (entry: RecordedMessage, inner: InnerMessage) {
        guard let entry = try record.get(.message, id: id.rawValue, as: RecordedMessage.self) else {
            throw PocError("message \(id) is not in this POC's record", hint: "read it first with `poc read \(id)`")
        }
        return (entry, try entry.inner)
    }

    /// The granting consent replies held for sharing `id` with `thirdParty`, by party.
    public func grantingConsents(for id: MessageID, thirdParty: POCID) throws(PocError) -> [POCID: RecordedMessage] {
        var found: [POCID: RecordedMessage] = [:]
        for entry in try record.all(.message, as: RecordedMessage.self) where entry.direction == .received {
            guard let inner = try? entry.inner, inner.type == .consentReply,
                let fields = try? inner.templateFields(ConsentReplyFields.self),
                fields.messageID == id, fields.thirdParty == thirdParty, fields.granted
            else { continue }
            found[inner.from] = entry
        }
        return found
    }

    /// Forwards a recorded message to `thirdParty` (R12) with the original
    /// signed bytes and the consents that allow it.
    /// - Throws: when `consent_to_share` is false and a party's granting consent is missing; the message names them.
    public func forward(_ id: MessageID, to thirdParty: POCID, note: String, urgency: Urgency?) async throws(PocError) -> SendOutcome {
        let (entry, inner) = try recorded(id)
        var consents: [Base64Bytes] = []
        if !inner.consentToShare {
            let granted = try grantingConsents(for: id, thirdParty: thirdParty)
            let missing = otherParties(of: inner).filter { granted[$0] == nil }
            guard missing.isEmpty else {
                throw PocError(
                    "cannot forward \(id) to \(thirdParty): consent to share is missing from \(missing.map(\.rawValue).joined(separator: ", "))",
                    hint: "ask with `poc consent request \(id) --third-party \(thirdParty) --reason ...`", status: .usage)
            }
            consents = otherParties(of: inner).compactMap { granted[$0]?.signed }
        }
        var message = InnerMessage(
            from: me, to: [thirdParty], urgency: urgency ?? inner.urgency, exercise: inner.exercise, type: .forward,
            subject: "Fwd: \(inner.subject)", body: note, inReplyTo: id)
        do { try message.setTemplateFields(ForwardFields(original: entry.signed, consents: consents)) } catch {
            throw PocError("cannot encode the forward")
        }
        return try await send(message)
    }

    /// Asks every other party of message `id` for consent to share it with `thirdParty`.
    public func requestConsent(_ id: MessageID, thirdParty: POCID, reason: String) async throws(PocError) -> SendOutcome {
        let (_, inner) = try recorded(id)
        var message = InnerMessage(
            from: me, to: otherParties(of: inner), urgency: .priority, exercise: inner.exercise, type: .consentRequest,
            subject: "Consent request: share \(id) with \(thirdParty)", body: reason, inReplyTo: id)
        do { try message.setTemplateFields(ConsentRequestFields(messageID: id, thirdParty: thirdParty, reason: reason)) } catch {
            throw PocError("cannot encode the consent request")
        }
        return try await send(message)
    }

    /// Grants or denies a received consent request, replying to its sender.
    public func replyToConsent(_ requestID: MessageID, granted: Bool) async throws(PocError) -> SendOutcome {
        let (_, request) = try recorded(requestID)
        guard request.type == .consentRequest, let fields = try? request.templateFields(ConsentRequestFields.self) else {
            throw PocError("message \(requestID) is not a consent request", status: .usage)
        }
        var message = InnerMessage(
            from: me, to: [request.from], urgency: .priority, exercise: request.exercise, type: .consentReply,
            subject: "Consent \(granted ? "granted" : "denied"): share \(fields.messageID) with \(fields.thirdParty)",
            body: granted ? "I consent to sharing this message with \(fields.thirdParty)." : "I do not consent.", inReplyTo: requestID)
        do { try message.setTemplateFields(ConsentReplyFields(messageID: fields.messageID, thirdParty: fields.thirdParty, granted: granted)) } catch {
            throw PocError("cannot encode the consent reply")
        }
        return try await send(message)
    }

    /// Checks a received forward: the original's signature and every consent's
    /// signature against the pinned keys, and that the consents cover every other party.
    /// - Returns: The original message and a one-line verdict.
    public func verifyForward(_ inner: InnerMessage, in directory: VerifiedDirectory) throws(PocError) -> (original: InnerMessage, verdict: String) {
        guard let fields = try? inner.templateFields(ForwardFields.self) else {
            throw PocError("the forward carries no original", status: .dataError)
        }
        guard fields.original.data.count > 64, let claimed = try? InnerMessage.parse(Data(fields.original.data.dropFirst(64))) else {
            throw PocError("the forwarded original is unreadable", status: .dataError)
        }
        let key = try verificationKey(of: claimed.from, in: directory)
        let original: InnerMessage
        do { original = try Envelope.verifySigned(fields.original.data, senderKey: key).inner } catch {
            throw PocError("the forwarded original is not signed by \(claimed.from): \(error.reason)", status: .dataError)
        }
        if original.consentToShare { return (original, "original signed by \(original.from); its sender consented to sharing") }
        var consenting = Set<POCID>()
        for consent in fields.consents {
            guard consent.data.count > 64, let claimedConsent = try? InnerMessage.parse(Data(consent.data.dropFirst(64))) else { continue }
            guard let consentKey = try? verificationKey(of: claimedConsent.from, in: directory),
                let verified = try? Envelope.verifySigned(consent.data, senderKey: consentKey).inner,
                let reply = try? verified.templateFields(ConsentReplyFields.self),
                reply.granted, reply.messageID == original.id, reply.thirdParty == me || reply.thirdParty == inner.to.first
            else { continue }
            consenting.insert(verified.from)
        }
        var parties = Set([original.from] + original.to)
        parties.remove(inner.from)
        let missing = parties.subtracting(consenting)
        guard missing.isEmpty else {
            return (original, "WARNING: consent missing from \(missing.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        return (original, "original signed by \(original.from); consent verified from \(consenting.map(\.rawValue).sorted().joined(separator: ", "))")
    }
}

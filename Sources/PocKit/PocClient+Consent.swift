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

    /// Refuses a "third party" that is this POC or already a party to `inner`
    /// (its sender or a recipient): it has the message, so there is nothing to share.
    func checkThirdParty(_ thirdParty: POCID, of inner: InnerMessage) throws(PocError) {
        guard thirdParty == me || thirdParty == inner.from || inner.to.contains(thirdParty) else { return }
        throw PocError(
            "\(thirdParty) is not a third party: \(thirdParty == me ? "it is this POC" : "it is already a party to \(inner.id)")",
            hint: "give a POC that did not send or receive the message", status: .usage)
    }

    /// A recorded message, or a clear error.
    public func recorded(_ id: MessageID) throws(PocError) -> (entry: RecordedMessage, inner: InnerMessage) {
        guard let entry = try record.get(.message, id: id.rawValue, as: RecordedMessage.self) else {
            throw PocError(
                "message \(id) is not in this POC's record", hint: "read it first with `poc read \(id)`", status: .usage)
        }
        return (entry, try entry.inner)
    }

    /// Every consent answer received for sharing `id` with `thirdParty`, in
    /// the order recorded; ``ConsentRule/latest(_:)`` says which counts.
    public func consentAnswers(for id: MessageID, thirdParty: POCID) throws(PocError) -> [ConsentAnswer] {
        var found: [ConsentAnswer] = []
        for entry in try record.all(.message, as: RecordedMessage.self) where entry.direction == .received {
            guard let inner = try? entry.inner, inner.type == .consentReply,
                let fields = try? inner.templateFields(ConsentReplyFields.self),
                fields.messageID == id, fields.thirdParty == thirdParty
            else { continue }
            found.append(
                ConsentAnswer(party: inner.from, granted: fields.granted, signedAt: inner.sentAt, recordedAt: entry.recordedAt, signed: entry.signed))
        }
        return found
    }

    /// Forwards a recorded message to `thirdParty` (R12) with the original
    /// signed bytes and the consents that allow it, keeping its TLP label.
    ///
    /// Consents are needed unless the original consents to sharing, and
    /// always for TLP:RED and TLP:AMBER+STRICT (``ConsentRule``); each
    /// party's latest answer counts, so a later denial blocks.
    /// - Throws: 64 when a party denied or withdrew consent, or has not answered; the message names them.
    public func forward(_ id: MessageID, to thirdParty: POCID, note: String, urgency: Urgency?) async throws(PocError) -> SendOutcome {
        let (entry, inner) = try recorded(id)
        try checkThirdParty(thirdParty, of: inner)
        var consents: [Base64Bytes] = []
        if ConsentRule.needsConsents(inner) {
            let parties = otherParties(of: inner)
            let answers = try consentAnswers(for: id, thirdParty: thirdParty)
            if let obstacle = ConsentRule.obstacle(parties: parties, answers: answers, message: id, thirdParty: thirdParty) { throw obstacle }
            let current = ConsentRule.latest(answers)
            consents = parties.compactMap { current[$0]?.signed }
        }
        var message = InnerMessage(
            from: me, to: [thirdParty], urgency: urgency ?? inner.urgency, exercise: inner.exercise, type: .forward, tlp: inner.tlp,
            subject: "Fwd: \(inner.subject)", body: note, inReplyTo: id)
        do { try message.setTemplateFields(ForwardFields(original: entry.signed, consents: consents)) } catch {
            throw PocError("cannot encode the forward")
        }
        return try await send(message)
    }

    /// Asks every other party of message `id` for consent to share it with `thirdParty`.
    public func requestConsent(_ id: MessageID, thirdParty: POCID, reason: String) async throws(PocError) -> SendOutcome {
        let (_, inner) = try recorded(id)
        try checkThirdParty(thirdParty, of: inner)
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
        if !ConsentRule.needsConsents(original) {
            return (original, "original signed by \(original.from); its sender consented to sharing")
        }
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

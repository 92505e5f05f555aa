import Foundation
public import RelayProtocol

/// How a POC replies to a request for information (R10, R11).
public enum RFIReply: Sendable, Equatable {
    /// The answer itself.
    case answer(String)
    /// Receipt acknowledged only, with an estimated response time in seconds from now.
    case acknowledge(etaSeconds: Int64?)
}

extension PocClient {
    /// The body of an acknowledgement: receipt only, not agreement with or
    /// endorsement of the request, and the estimated response time if given.
    public static func acknowledgementBody(of requestID: MessageID, eta: Timestamp?) -> String {
        "Receipt of your request \(requestID) is acknowledged. This acknowledgement does not constitute agreement with, "
            + "or endorsement of, its content, and does not prejudge our position."
            + (eta.map { " Estimated response time: \($0)." } ?? "")
    }

    /// Answers or acknowledges a recorded request received by this POC: an
    /// `rfi-response` to its sender, with the request's exercise flag and (by
    /// default) its urgency, as `poc respond` and the web interface send it.
    /// - Returns: The message sent and what became of it.
    /// - Throws: 64 when the request is not in the record or was sent by this POC.
    public func respond(
        to requestID: MessageID, with reply: RFIReply, preferredChannel: String? = nil, leadAgency: String? = nil,
        urgency: Urgency? = nil
    ) async throws(PocError) -> (message: InnerMessage, outcome: SendOutcome) {
        let (_, request) = try recorded(requestID)
        guard request.from != me else {
            throw PocError.usage(
                "\(requestID) is a message this POC sent: answer one it received", hint: "see `poc log` for the messages received")
        }
        let body: String
        let fields: RFIResponseFields
        switch reply {
        case .answer(let text):
            body = text
            fields = RFIResponseFields(mode: .answer, preferredChannel: preferredChannel, leadAgency: leadAgency)
        case .acknowledge(let etaSeconds):
            let eta = etaSeconds.map { Timestamp.now().adding(seconds: $0) }
            body = Self.acknowledgementBody(of: requestID, eta: eta)
            fields = RFIResponseFields(mode: .acknowledge, eta: eta, preferredChannel: preferredChannel, leadAgency: leadAgency)
        }
        var message = InnerMessage(
            from: me, to: [request.from], urgency: urgency ?? request.urgency, exercise: request.exercise, type: .rfiResponse,
            subject: "Re: \(request.subject)", body: body, inReplyTo: requestID)
        do { try message.setTemplateFields(fields) } catch { throw PocError("cannot encode the response") }
        return (message, try await send(message))
    }
}

import PocKit
import RelayClient
import RelayProtocol
import RelayService
import Testing

@Suite("the relay's problems in the client's words")
struct PocProblemTests {
    /// Every problem the relay's rules can answer with, as it sends them.
    static let failures: [RelayFailure] = [
        .badRequest("poc_id must be 1 to 64 characters of A-Z a-z 0-9 . _ -."), .unauthorized,
        .forbidden("Audit figures are for the custodian only."),
        .notFound, .conflict("Message id abc is already used by another envelope. Seal again with a new id."),
        .tooLarge("body is longer than 1048576 bytes."), .unprocessable("entry.email: is not an e-mail address."),
        .rateLimited(retryAfter: 7), .unavailable,
        RelayFailure(status: 500, title: "Internal error", detail: "Something failed.", slug: "internal"),
    ]

    @Test("each problem type becomes a sentence of ours: no status code, no relay phrasing, the user's field kept")
    func everyType() {
        for failure in Self.failures {
            let error = PocError.from(RelayClientError(.problem(failure.problem), context: "GET /v1/messages/{id}/status", relay: "https://r"))
            let text = error.message + " " + (error.hint ?? "")
            #expect(!text.contains("(\(failure.problem.status))"), "\(text)")
            #expect(!text.contains("\(failure.problem.status) "), "\(text)")
            #expect(!text.contains("Log in again"), "\(text)")
            #expect(!text.contains("There is no such resource"), "\(text)")
            #expect(!text.contains("Check the id."), "\(text)")
            #expect(error.message.first?.isLowercase == true, "\(text)")
            #expect(!error.message.hasSuffix("."), "\(text)")
        }
        let field = PocError.from(Self.failures[6].problem)
        #expect(field.message == "the relay refused the content: entry.email: is not an e-mail address")
        #expect(PocError.from(RelayFailure.unauthorized.problem).status == .noPermission)
        #expect(PocError.from(RelayFailure.unavailable.problem).status == .unavailable)
        let slowDown = PocError.from(RelayFailure.rateLimited(retryAfter: 7).problem, retryAfter: 7)
        #expect(slowDown.hint == "wait 7 s, then try again")
        let ping = PocError.from(RelayFailure.notFound.problem, during: "POST /v1/pings/{id}/answer")
        #expect(ping.message == "no such ping is pending for this POC")
        let status = PocError.from(RelayFailure.notFound.problem, during: "GET /v1/messages/{id}/status")
        #expect(status.message == "the relay has no message with that id sent by this POC", "poc status asks about a sent message")
        let message = PocError.from(RelayFailure.notFound.problem, during: "POST /v1/messages/{id}/receipt")
        #expect(message.message == "no message with that id is waiting for this POC")
    }

    @Test("an unreachable relay is named with its address and the reason, without the request's method and path")
    func unreachable() {
        let error = PocError.from(
            RelayClientError(.unreachable("connection refused"), context: "POST /v1/auth/challenge", relay: "https://relay.example"))
        #expect(error.message == "cannot reach the relay at https://relay.example: connection refused")
        #expect(error.status == .unavailable)
    }

    @Test("a problem without one of our types is read by its status")
    func foreignType() {
        let foreign = Problem(status: 404, title: "Not Found", detail: "nginx says no", type: "about:blank")
        #expect(PocError.from(foreign).message == "the relay has nothing with that id for this POC")
        let gateway = Problem(status: 502, title: "Bad Gateway", detail: "", type: "about:blank")
        #expect(PocError.from(gateway).message == "the relay failed to handle the request")
    }
}

import Foundation
import RelayClient
import RelayProtocol
import RelayServer
import RelayService
import RelayStore
import RelayTestSupport
import Sodium
import Testing

@Suite("Isolation: nobody reads, receipts or learns of another POC's messages")
struct IsolationTests {
    @Test("another POC's message: never in its inbox, and receipt and status answer exactly as for an unknown id")
    func notYoursLooksUnknown() async throws {
        try await withScene { scene in
            let unknown = unusedMessageID()
            let mine = scene.message.id.rawValue
            let korToken = scene.token(scene.kor)
            #expect(try await scene.kor.session.inbox(wait: 0, limit: 100).messages.isEmpty)
            let signature = Receipt.sign(
                messageID: scene.message.id, recipient: scene.kor.id, body: scene.message.body, identity: scene.kor.identity)
            let body = try WireJSON.encode(SignatureBody(signature: signature))
            for path in ["/v1/messages/%@/receipt", "/v1/messages/%@/status"] {
                let method = path.hasSuffix("receipt") ? "POST" : "GET"
                let requestBody = method == "POST" ? body : nil
                let notYours = try await scene.api.send(
                    RawRequest(method, path.replacingOccurrences(of: "%@", with: mine), body: requestBody, token: korToken))
                let nobodys = try await scene.api.send(
                    RawRequest(method, path.replacingOccurrences(of: "%@", with: unknown), body: requestBody, token: korToken))
                #expect(notYours.status == 404 && nobodys.status == 404)
                #expect(notYours.body == nobodys.body, "\(method) \(path): the bodies differ")
                #expect(Self.comparableHeaders(notYours) == Self.comparableHeaders(nobodys))
            }
            // The message is still DEU's, untouched.
            let inbox = try await scene.deu.session.inbox(wait: 0, limit: 100)
            #expect(inbox.messages.map(\.id) == [scene.message.id])
            let status = try await scene.fra.session.status(messageID: scene.message.id)
            #expect(status.recipients.map(\.receiptAt) == [nil])
        }
    }

    @Test("a login challenge is answered the same way for known and unknown POC ids")
    func challengeForUnknownIDs() async throws {
        try await withScene { scene in
            let known = try await scene.api.send(RawRequest("POST", "/v1/auth/challenge", body: JSONBody.data(["poc_id": "FRA-TEC-1"])))
            let unknown = try await scene.api.send(RawRequest("POST", "/v1/auth/challenge", body: JSONBody.data(["poc_id": "ZZZ-TEC-9"])))
            #expect(known.status == 200 && unknown.status == 200)
            #expect(Self.comparableHeaders(known) == Self.comparableHeaders(unknown))
            let a = try JSONSerialization.jsonObject(with: known.body) as? [String: Any]
            let b = try JSONSerialization.jsonObject(with: unknown.body) as? [String: Any]
            #expect(a.map { Set($0.keys) } == b.map { Set($0.keys) })
            #expect(known.body.count == unknown.body.count)
        }
    }

    @Test("a custodian reads audit figures and delivery status, but no endpoint gives it a body or a wrapped key")
    func custodianNeverSeesCiphertext() async throws {
        try await withScene { scene in
            let custodian = try await scene.relay.enrol("UNO", .custodian, api: scene.api)
            let token = try await custodian.session.token()
            let secrets = [scene.message.body] + scene.message.keys.values.map { $0 }
            let forms = secrets.flatMap { [Data($0.base64EncodedString().utf8), $0, Data($0.lowercaseHex.utf8)] }
            let reads: [RawRequest] = [
                RawRequest("GET", "/v1/audit/delivery", token: token), RawRequest("GET", "/v1/audit/pings", token: token),
                RawRequest("GET", "/v1/messages/\(scene.message.id)/status", token: token), RawRequest("GET", "/v1/inbox", token: token),
                RawRequest("GET", "/v1/directory", token: token), RawRequest("GET", "/v1/pings", token: token),
                RawRequest("GET", "/v1/relay"),
            ]
            for request in reads {
                let response = try await scene.api.send(request)
                #expect(response.status == 200, "\(request.method) \(request.path): \(response.status)")
                for form in forms { #expect(response.body.range(of: form) == nil, "\(request.path) holds ciphertext or a wrapped key") }
                let fields = Self.fieldNames(try JSONSerialization.jsonObject(with: response.body, options: [.fragmentsAllowed]))
                #expect(fields.isDisjoint(with: ["body", "key", "keys", "commitment"]) || request.path == "/v1/inbox")
            }
            let audit = try await custodian.session.auditDelivery()
            #expect(audit.byUrgency.contains { $0.urgency == .routine && !$0.exercise && $0.accepted == 1 })
            #expect(try await custodian.session.status(messageID: scene.message.id).recipients.map(\.pocID) == [scene.deu.id])
            #expect(try await custodian.session.inbox(wait: 0, limit: 100).messages.isEmpty)
            // It cannot take a message out of DEU's inbox either.
            let receipt = Receipt.sign(messageID: scene.message.id, recipient: custodian.id, body: scene.message.body, identity: custodian.identity)
            await expectStatus(404) { try await custodian.session.receipt(messageID: scene.message.id, signature: receipt) }
            #expect(try await scene.deu.session.inbox(wait: 0, limit: 100).messages.count == 1)
        }
    }

    @Test("a revoked POC's sessions stop at once, on every endpoint, and it cannot log in again")
    func revocationStopsSessions() async throws {
        try await withScene { scene in
            let token = scene.token(scene.deu)
            #expect(try await scene.api.send(RawRequest("GET", "/v1/inbox", token: token)).status == 200)
            try await scene.relay.service.revoke(pocID: scene.deu.id)
            let signature = randomBytes(64).base64EncodedString()
            let requests: [RawRequest] = [
                RawRequest("GET", "/v1/directory", token: token), RawRequest("GET", "/v1/inbox", token: token),
                RawRequest("GET", "/v1/pings", token: token),
                RawRequest("POST", "/v1/messages/\(scene.message.id)/receipt", body: try JSONBody.data(["signature": signature]), token: token),
                RawRequest("POST", "/v1/messages", body: try WireJSON.encode(try scene.deu.seal(to: [scene.fra])), token: token),
                RawRequest("PUT", "/v1/directory/me", body: try WireJSON.encode(details()), token: token),
                RawRequest("POST", "/v1/keys/box", body: try WireJSON.encode(scene.deu.rotation()), token: token),
            ]
            for request in requests {
                let response = try await scene.api.send(request)
                #expect(response.status == 401, "\(request.method) \(request.path)")
                #expect(try response.problem() == RelayFailure.unauthorized.problem)
            }
            await expectStatus(401) {
                try await scene.api.logIn(pocID: scene.deu.id, identity: scene.deu.identity, relayID: scene.relay.service.relayID)
            }
        }
    }

    @Test("a long poll held by a POC ends with 401 when the POC is revoked, not with its inbox")
    func revocationEndsLongPoll() async throws {
        try await withScene { scene in
            let token = scene.token(scene.kor)
            let poll = Task {
                try await scene.api.send(RawRequest("GET", "/v1/inbox", token: token, query: [("wait", "30")]), timeout: .seconds(45))
            }
            try await Task.sleep(for: .milliseconds(500))
            try await scene.relay.service.revoke(pocID: scene.kor.id)
            let revoked = ContinuousClock.now
            let response = try await poll.value
            #expect(response.status == 401)
            #expect(ContinuousClock.now - revoked < .seconds(20), "the poll ran on to the end of its 30 s wait")
            #expect(try response.problem() == RelayFailure.unauthorized.problem)
        }
    }

    @Test(
        "`poc-relay revoke` in another process while the relay serves: no message reaches the POC from then on, its sessions stop within the recheck interval"
    )
    func revocationByAnotherProcess() async throws {
        try await withScene { scene in
            let korToken = scene.token(scene.kor)
            // KOR's session and KOR as a recipient are now in the relay's caller cache.
            #expect(try await scene.api.send(RawRequest("GET", "/v1/inbox", token: korToken)).status == 200)
            _ = try await scene.fra.session.submit(try scene.fra.seal(to: [scene.kor]))
            let revoke = try await RelayProcess.run(["revoke", "--data-dir", scene.relay.dataDirectory, "--yes", scene.kor.id.rawValue])
            #expect(revoke.status == 0, "\(revoke.stderr)")
            let revoked = ContinuousClock.now
            // At once, whatever the cache still says: refused (before the write or in its transaction).
            let late = try await scene.api.send(
                RawRequest("POST", "/v1/messages", body: try WireJSON.encode(try scene.fra.seal(to: [scene.kor])), token: scene.token(scene.fra)))
            #expect(late.status == 422, "a message for a revoked POC was \(late.status)")
            // Its session stops once the relay rechecks the directory version (every 250 ms).
            var status = 200
            while status != 401 && ContinuousClock.now - revoked < .seconds(10) {
                status = try await scene.api.send(RawRequest("GET", "/v1/directory", token: korToken)).status
                if status != 401 { try await Task.sleep(for: .milliseconds(20)) }
            }
            #expect(status == 401)
            #expect(ContinuousClock.now - revoked < .seconds(5), "the session worked on for \(ContinuousClock.now - revoked)")
        }
    }

    @Test("a long poll held by a POC that `poc-relay revoke` in another process revokes ends with 401 within the recheck interval")
    func revocationByAnotherProcessEndsLongPoll() async throws {
        try await withScene { scene in
            let token = scene.token(scene.fra)  // FRA's inbox is empty: its poll waits
            let poll = Task {
                try await scene.api.send(RawRequest("GET", "/v1/inbox", token: token, query: [("wait", "30")]), timeout: .seconds(45))
            }
            try await Task.sleep(for: .milliseconds(500))
            let revoke = try await RelayProcess.run(["revoke", "--data-dir", scene.relay.dataDirectory, "--yes", scene.fra.id.rawValue])
            #expect(revoke.status == 0, "\(revoke.stderr)")
            let revoked = ContinuousClock.now
            let response = try await poll.value
            #expect(response.status == 401)
            #expect(ContinuousClock.now - revoked < .seconds(5), "the poll ran on for \(ContinuousClock.now - revoked)")
        }
    }

    @Test("a revocation the relay has not seen yet still keeps every message from the revoked POC's inbox: the submit transaction checks")
    func submitTransactionChecksRecipients() async throws {
        // A recheck interval of an hour: the relay's cache stays stale for the whole test.
        try await withScene(configure: { $0.service.directoryRecheckInterval = .seconds(3600) }) { scene in
            let first = try scene.fra.seal(to: [scene.kor])
            _ = try await scene.fra.session.submit(first)
            let revoke = try await RelayProcess.run(["revoke", "--data-dir", scene.relay.dataDirectory, "--yes", scene.kor.id.rawValue])
            #expect(revoke.status == 0, "\(revoke.stderr)")
            let late = try scene.fra.seal(to: [scene.deu, scene.kor])
            let response = try await scene.api.send(
                RawRequest("POST", "/v1/messages", body: try WireJSON.encode(late), token: scene.token(scene.fra)))
            #expect(response.status == 422)
            #expect(try response.problem().detail.contains("not an active POC"))
            let store = try RelayStore(path: scene.storePath)
            defer { try? store.close() }
            #expect(try await store.messageStatus(id: late.id.rawValue) == nil, "the refused message was stored")
            #expect(try await store.messageStatus(id: first.id.rawValue)?.recipients.map(\.pocID) == [scene.kor.id.rawValue])
        }
    }

    /// Header fields that do not vary by time or connection.
    static func comparableHeaders(_ response: RawResponse) -> [String] {
        response.headers.map { "\($0.0.lowercased()): \($0.1)" }.filter { !$0.hasPrefix("date:") }.sorted()
    }

    /// Every object key anywhere in a JSON value.
    static func fieldNames(_ value: Any) -> Set<String> {
        if let object = value as? [String: Any] {
            return Set(object.keys).union(object.values.flatMap { fieldNames($0) })
        }
        if let array = value as? [Any] { return Set(array.flatMap { fieldNames($0) }) }
        return []
    }
}

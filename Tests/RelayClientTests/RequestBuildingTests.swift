import Foundation
import RelayProtocol
import Testing

@testable import RelayClient

/// URLs, path segments and the reading of error answers, without a relay.
@Suite struct RequestBuildingTests {
    @Test(arguments: [
        ("ping-1", "ping-1"),
        ("a.b_c~d", "a.b_c~d"),
        ("a/b", "a%2Fb"),
        ("a?b#c", "a%3Fb%23c"),
        ("100%", "100%25"),
        ("a b", "a%20b"),
        ("..x", "..x"),
        ("é", "%C3%A9"),
        ("a\nb", "a%0Ab"),
    ])
    func pathSegmentsArePercentEncoded(raw: String, encoded: String) throws {
        #expect(try RelayURL.pathSegment(raw) == encoded)
    }

    @Test(arguments: ["", ".", ".."])
    func dotAndEmptySegmentsAreRefused(raw: String) {
        let error = #expect(throws: RelayClientError.self) { try RelayURL.pathSegment(raw) }
        guard case .invalidRequest = error?.kind else {
            Issue.record("expected .invalidRequest")
            return
        }
    }

    @Test func messageIDsPassUnchanged() throws {
        let id = try MessageID("9f86d081884c7d659a2feaa0c55ad015")
        #expect(try RelayURL.pathSegment(id.rawValue) == id.rawValue)
    }

    @Test func queryItemsAreEncoded() {
        #expect(RelayURL.queryString([]) == "")
        #expect(RelayURL.queryString([("wait", "30"), ("limit", "20")]) == "?wait=30&limit=20")
        #expect(RelayURL.queryString([("a&b", "c=d e")]) == "?a%26b=c%3Dd%20e")
    }

    @Test(arguments: [
        ("https://relay.example", "https://relay.example"),
        ("https://relay.example/", "https://relay.example"),
        ("https://relay.example:8443/relay/", "https://relay.example:8443/relay"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.1.2.3:8080/", "http://127.1.2.3:8080"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ])
    func acceptedBaseURLs(text: String, base: String) throws {
        let url = try #require(URL(string: text))
        #expect(try RelayURL.validatedBase(url) == base)
    }

    @Test(arguments: [
        ("http://relay.example", "plain http:// is only for a relay on this machine"),
        ("http://10.0.0.1:8080", "plain http:// is only for a relay on this machine"),
        ("http://127.0.0.1.evil.example", "plain http:// is only for a relay on this machine"),
        ("ftp://relay.example", "must start with https://"),
        ("https://user:pw@relay.example", "must not hold a user name or password"),
        ("https://relay.example/?x=1", "must not hold a query or fragment"),
        ("relay.example", "must start with https://"),
    ])
    func refusedBaseURLs(text: String, reason: String) throws {
        let url = try #require(URL(string: text))
        let error = #expect(throws: RelayClientError.self) { try RelayURL.validatedBase(url) }
        guard case .badConfiguration(let why) = error?.kind else {
            Issue.record("expected .badConfiguration")
            return
        }
        #expect(why.contains(reason))
        #expect(error?.description.contains("pw") != true)
    }

    @Test func problemAnswersDecodeToProblems() {
        let body = Data(#"{"type":"about:blank","title":"Unauthorized","status":401,"detail":"log in again"}"#.utf8)
        let response = RawResponse(
            status: 401, headers: [("content-type", "application/problem+json; charset=utf-8")], body: body)
        let error = RelayAPIClient.failure(of: response, context: "GET /v1/inbox", relay: "https://relay.example")
        #expect(error.problem == Problem(status: 401, title: "Unauthorized", detail: "log in again"))
        #expect(error.status == 401)
        #expect(error.isUnauthorized)
        #expect(error.description == "the relay at https://relay.example refused the request (GET /v1/inbox): 401 Unauthorized: log in again")
    }

    @Test func problemWithoutOptionalMembersStillReads() {
        let body = Data(#"{"title":"Too Many Requests"}"#.utf8)
        let response = RawResponse(
            status: 429, headers: [("Content-Type", "application/problem+json"), ("Retry-After", "7")], body: body)
        let error = RelayAPIClient.failure(of: response, context: "POST /v1/messages", relay: "https://r")
        #expect(error.problem?.status == 429)
        #expect(error.problem?.type == "about:blank")
        #expect(error.retryAfterSeconds == 7)
        #expect(error.description.hasSuffix("; retry after 7 s"))
    }

    @Test func nonProblemAnswersAreUnexpectedStatusWithoutTheBody() {
        let response = RawResponse(
            status: 502, headers: [("Content-Type", "text/html")], body: Data("<h1>secret-ish gateway page</h1>".utf8))
        let error = RelayAPIClient.failure(of: response, context: "GET /v1/relay", relay: "https://r")
        guard case .unexpectedStatus(502, let what) = error.kind else {
            Issue.record("expected .unexpectedStatus(502, _)")
            return
        }
        #expect(what == "Bad Gateway, without a problem description (text/html body)")
        #expect(error.status == 502)
        #expect(!error.description.contains("gateway page"))
    }

    @Test func unreadableProblemBodyIsUnexpectedStatus() {
        let response = RawResponse(status: 400, headers: [("Content-Type", "application/problem+json")], body: Data("{".utf8))
        let error = RelayAPIClient.failure(of: response, context: "", relay: "")
        guard case .unexpectedStatus(400, _) = error.kind else {
            Issue.record("expected .unexpectedStatus(400, _)")
            return
        }
    }

    @Test func descriptionsHoldNoControlCharacters() {
        let problem = Problem(status: 400, title: "Bad\u{1B}[2J Request", detail: "see \u{202E}txt.exe\n")
        let text = RelayClientError(.problem(problem), relay: "https://r").description
        #expect(!text.unicodeScalars.contains { $0.properties.generalCategory == .control })
        #expect(!text.contains("\u{202E}"))
        let long = RelayClientError(.badResponse(String(repeating: "x", count: 5000))).description
        #expect(long.count <= 601)
    }

    @Test func decodingFailuresNameTheFieldNotTheValue() throws {
        let error = try #require(throwing { try WireJSON.decode(RelayInfo.self, from: Data(#"{"relay_id":"ABCD"}"#.utf8)) })
        let words = RelayAPIClient.words(for: error)
        #expect(words.contains("is missing"))
        #expect(!words.contains("ABCD"))
        let notJSON = try #require(throwing { try WireJSON.decode(RelayInfo.self, from: Data("<html>".utf8)) })
        #expect(RelayAPIClient.words(for: notJSON) == "the body is not valid JSON")
    }
}

/// The error `body` throws, or nil.
private func throwing<T>(_ body: () throws -> T) -> (any Error)? {
    do { _ = try body() } catch { return error }
    return nil
}

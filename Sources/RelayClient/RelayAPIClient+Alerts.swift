import Foundation
public import RelayProtocol

/// The alert endpoints of section 10, each for the caller's own channels.
extension RelayAPIClient {
    /// The time limit of `POST /v1/alerts/me/test`: the relay tries each
    /// channel once, up to 10 s each, before it answers.
    public static let alertTestTimeout = Duration.seconds(60)

    /// `GET /v1/alerts/me`: the caller's alert channels (the defaults of section 10 when never set).
    /// - Parameter token: A session token.
    /// - Returns: The settings as stored.
    /// - Throws: ``RelayClientError``.
    public func alertSettings(token: String) async throws(RelayClientError) -> AlertSettings {
        let context = "GET /v1/alerts/me"
        let response = try await exchange("GET", "/v1/alerts/me", token: token)
        try expect(response, [200], context: context)
        return try decode(AlertSettings.self, from: response, context: context)
    }

    /// `PUT /v1/alerts/me`: replaces the caller's alert channels.
    /// - Parameters:
    ///   - settings: The whole new value; a nil channel is unset.
    ///   - token: A session token.
    /// - Returns: The value as stored (urgencies in order).
    /// - Throws: ``RelayClientError``; a problem 422 naming the field for an
    ///   address, URL or urgency list the relay refuses.
    public func setAlertSettings(_ settings: AlertSettings, token: String) async throws(RelayClientError) -> AlertSettings {
        let context = "PUT /v1/alerts/me"
        let body = try encode(settings, context: context)
        let response = try await exchange("PUT", "/v1/alerts/me", json: body, token: token)
        try expect(response, [200], context: context)
        return try decode(AlertSettings.self, from: response, context: context)
    }

    /// `GET /v1/alerts/me/status`: how the caller's own channels fared.
    /// - Parameter token: A session token.
    /// - Returns: Per channel, the last alert sent, the last failure and what is pending.
    /// - Throws: ``RelayClientError``.
    public func alertStatus(token: String) async throws(RelayClientError) -> AlertChannelsStatus {
        let context = "GET /v1/alerts/me/status"
        let response = try await exchange("GET", "/v1/alerts/me/status", token: token)
        try expect(response, [200], context: context)
        return try decode(AlertChannelsStatus.self, from: response, context: context)
    }

    /// `POST /v1/alerts/me/test`: a test alert to every channel the caller has set, now.
    /// - Parameter token: A session token.
    /// - Returns: Which channels took it and which failed.
    /// - Throws: ``RelayClientError``.
    public func testAlerts(token: String) async throws(RelayClientError) -> AlertTestResult {
        let context = "POST /v1/alerts/me/test"
        let response = try await exchange("POST", "/v1/alerts/me/test", token: token, timeout: Self.alertTestTimeout)
        try expect(response, [200], context: context)
        return try decode(AlertTestResult.self, from: response, context: context)
    }
}

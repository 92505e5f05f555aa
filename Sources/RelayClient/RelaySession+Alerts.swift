public import RelayProtocol

/// The alert endpoints of section 10, with the token handled by the session.
extension RelaySession {
    /// `GET /v1/alerts/me`.
    /// - Returns: This POC's alert channels.
    /// - Throws: ``RelayClientError``.
    public nonisolated func alertSettings() async throws(RelayClientError) -> AlertSettings {
        try await authorized { token throws(RelayClientError) in try await api.alertSettings(token: token) }
    }

    /// `PUT /v1/alerts/me`.
    /// - Parameter settings: The whole new value.
    /// - Returns: The value as stored.
    /// - Throws: ``RelayClientError``; a problem 422 naming the field.
    public nonisolated func setAlertSettings(_ settings: AlertSettings) async throws(RelayClientError) -> AlertSettings {
        try await authorized { token throws(RelayClientError) in try await api.setAlertSettings(settings, token: token) }
    }

    /// `GET /v1/alerts/me/status`.
    /// - Returns: How this POC's channels fared.
    /// - Throws: ``RelayClientError``.
    public nonisolated func alertStatus() async throws(RelayClientError) -> AlertChannelsStatus {
        try await authorized { token throws(RelayClientError) in try await api.alertStatus(token: token) }
    }

    /// `POST /v1/alerts/me/test`.
    /// - Returns: Which channels took the test alert and which failed.
    /// - Throws: ``RelayClientError``.
    public nonisolated func testAlerts() async throws(RelayClientError) -> AlertTestResult {
        try await authorized { token throws(RelayClientError) in try await api.testAlerts(token: token) }
    }
}

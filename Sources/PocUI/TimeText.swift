import Foundation
import RelayProtocol

/// How the interface writes a time: UTC first, as everywhere in the relay's
/// world, and this computer's local time beside it. `poc ui` runs on the
/// user's own machine, so its time zone is the user's; nothing is guessed in
/// the browser.
enum TimeText {
    /// `2026-12-02 04:35 UTC`.
    static func utc(_ time: Timestamp) -> String {
        let text = time.description
        guard text.count >= 16 else { return text }
        return text.prefix(10) + " " + text.dropFirst(11).prefix(5) + " UTC"
    }

    /// `2026-12-02 04:35 UTC (05:35 local)`; the local date too when it is
    /// another day; UTC alone where the local zone is UTC.
    static func display(_ time: Timestamp, _ t: Catalog, zone: TimeZone = .current) -> String {
        guard zone.secondsFromGMT(for: time.date) != 0 else { return utc(time) }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let local = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: time.date)
        let utcDay = time.description.prefix(10)
        let localDay = String(format: "%04d-%02d-%02d", local.year ?? 0, local.month ?? 0, local.day ?? 0)
        let clock = String(format: "%02d:%02d", local.hour ?? 0, local.minute ?? 0)
        let shown = localDay == utcDay ? clock : "\(localDay) \(clock)"
        return "\(utc(time)) (\(shown) \(t["time.local"]))"
    }
}

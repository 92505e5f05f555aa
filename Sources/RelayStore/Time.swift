internal import Foundation

// Time storage: every time column of the store is an INTEGER holding whole
// Unix seconds (UTC). A `Date` going in is rounded down to the second, so a
// time read back is exactly the protocol's whole-second RFC 3339 value, and
// comparisons in SQL are plain integer comparisons. The one exception is
// `pocs.key_created_at`, which is TEXT: it is signed by the client as a
// string and must come back byte for byte.

extension Date {
    /// Creates a date from whole Unix seconds, as stored.
    init(unixSeconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(unixSeconds))
    }

    /// This date as whole Unix seconds, rounded down, as stored.
    var unixSeconds: Int64 {
        Int64(timeIntervalSince1970.rounded(.down))
    }
}

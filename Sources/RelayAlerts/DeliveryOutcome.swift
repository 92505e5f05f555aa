/// How one attempt to deliver an alert ended.
public enum DeliveryOutcome: Sendable, Hashable {
    /// The channel took it (a 2xx answer, sendmail's exit 0).
    case delivered
    /// It did not, with a few words on why (`HTTP 503`, `timed out after 10 s`):
    /// never content, never a URL's path or query.
    case failed(String)

    /// The failure's words, or nil for a delivery.
    public var failure: String? {
        if case .failed(let reason) = self { return reason }
        return nil
    }
}

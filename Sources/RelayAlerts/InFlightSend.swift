/// An alert being sent: where it goes, for the bound per destination.
struct InFlightSend: Sendable, Hashable {
    /// ``AlertSender/destination(of:)``: the channel and a webhook's host and port, or a mail domain.
    let destination: String
    /// The address or URL itself.
    let target: String
}

public import Foundation
public import RelayProtocol

extension PingStatus {
    /// The rule of section 7: a ping answered at or before its deadline is
    /// `answered` (on time), after it `late`; one not answered is `pending`
    /// while `now <= deadline` and `missed` after. Times count in whole seconds.
    ///
    /// - Parameters:
    ///   - deadline: The ping's deadline.
    ///   - answeredAt: When it was answered, if it was.
    ///   - now: The current time.
    public init(deadline: Date, answeredAt: Date?, now: Date) {
        let deadline = Timestamp(deadline)
        if let answeredAt {
            self = Timestamp(answeredAt) <= deadline ? .answered : .late
        } else {
            self = Timestamp(now) <= deadline ? .pending : .missed
        }
    }
}

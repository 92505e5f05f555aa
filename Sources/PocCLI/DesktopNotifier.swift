import Foundation
import ProcessLaunch
import RelayProtocol

/// `poc watch --notify`: a desktop notification through `notify-send` for
/// each FLASH and IMMEDIATE arrival.
///
/// The notification shows what the watch line's start shows and nothing
/// more: the urgency, the EXERCISE mark and the sender's id, never the
/// subject or the body, because someone else may see the screen. It runs
/// in the background: `poc watch` never waits for it.
struct DesktopNotifier: Sendable {
    /// The program, found on `PATH`.
    let executable: String
    /// Its environment (the display and the session bus come from here).
    let environment: [String: String]

    /// The program's name.
    static let program = "notify-send"

    /// The notifier when `notify-send` is on `PATH`; otherwise nil after one
    /// warning on standard error (watching goes on without notifications).
    static func start(_ environment: PocEnvironment) -> DesktopNotifier? {
        if let path = ExecutableSearch.find(program, in: environment.variables["PATH"]) {
            return DesktopNotifier(executable: path, environment: environment.variables)
        }
        environment.error("poc: warning: --notify: \(program) is not on PATH; watching without desktop notifications")
        return nil
    }

    /// Whether an arrival of `urgency` raises a notification.
    static func notifies(_ urgency: Urgency) -> Bool { urgency >= .immediate }

    /// `notify-send`'s arguments for a message: no subject, no body.
    static func arguments(urgency: Urgency, exercise: Bool, from sender: POCID) -> [String] {
        let level = urgency == .flash ? "critical" : "normal"
        let title = "\(exercise ? "EXERCISE " : "")\(urgency.rawValue.uppercased()) message from \(sender.rawValue)"
        return ["--urgency=\(level)", "--app-name=poc", title, "Open it with poc read or poc inbox."]
    }

    /// Raises the notification for `message` if its urgency calls for one;
    /// returns at once. A failure to start is one warning line.
    func notify(_ message: InnerMessage) {
        guard Self.notifies(message.urgency) else { return }
        do {
            // The watch loop never waits for it.
            try ChildProcess.startInBackground(
                executable: executable, arguments: Self.arguments(urgency: message.urgency, exercise: message.exercise, from: message.from),
                environment: environment)
        } catch {
            PocEnvironment.current.error("poc: warning: --notify: cannot run \(executable): \(error.localizedDescription)")
        }
    }
}

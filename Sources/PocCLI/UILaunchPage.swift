import Foundation
import Glibc
import PocKit
import Synchronization

/// The file `poc ui` hands to the browser instead of the login URL: on
/// `xdg-open`'s command line the one-time token would be readable by every
/// local user (`/proc/PID/cmdline`). The URL goes into a tiny HTML page that
/// redirects to it, mode 0600 in a fresh folder of mode 0700 (under
/// `$XDG_RUNTIME_DIR`, else the POC home); only the file's path is on the
/// command line. The page and its folder are removed at the login, or at exit.
final class UILaunchPage: Sendable {
    /// The page (`open.html`).
    let file: String
    /// The private folder holding it.
    let folder: String
    private let removed = Mutex(false)

    private init(file: String, folder: String) {
        self.file = file
        self.folder = folder
    }

    /// Writes the page that redirects to `url` in a new private folder under `base`.
    /// - Throws: a ``PocError`` (74) when the folder or the file cannot be made.
    static func create(redirectingTo url: URL, under base: String) throws(PocError) -> UILaunchPage {
        var template = Array((base as NSString).appendingPathComponent("poc-ui-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw PocError("cannot create a private folder in \(base) for the page that opens the browser", status: .ioError)
        }
        let folder = String(cString: made)
        let file = (folder as NSString).appendingPathComponent("open.html")
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            rmdir(folder)
            throw PocError("cannot write the page that opens the browser in \(folder)", status: .ioError)
        }
        let bytes = Array(page(url).utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        close(descriptor)
        let launch = UILaunchPage(file: file, folder: folder)
        guard written == bytes.count else {
            launch.remove()
            throw PocError("cannot write the page that opens the browser in \(folder)", status: .ioError)
        }
        return launch
    }

    /// Where the private folder goes: `$XDG_RUNTIME_DIR` when it is an absolute
    /// folder of this user's that nobody else may enter, else the POC home.
    static func base(environment: [String: String], home: PocHome) -> String {
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") {
            var info = stat()
            if lstat(runtime, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == getuid(), info.st_mode & 0o077 == 0 {
                return runtime
            }
        }
        return home.path
    }

    /// An HTML page that goes to `url` at once (a meta refresh: no script), with a link if it does not.
    static func page(_ url: URL) -> String {
        let escaped = url.absoluteString.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="referrer" content="no-referrer">
            <meta http-equiv="refresh" content="0; url=\(escaped)"><title>POC Relay</title></head>
            <body><p><a href="\(escaped)">Open POC Relay</a></p></body></html>

            """
    }

    /// Deletes the page and its folder (once; later calls do nothing).
    func remove() {
        let first = removed.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        unlink(file)
        rmdir(folder)
    }

    /// Where `poc ui` keeps the page between the browser's start and the login or the exit.
    final class Slot: Sendable {
        private let page = Mutex<UILaunchPage?>(nil)

        func hold(_ launch: UILaunchPage) { page.withLock { $0 = launch } }

        /// Removes the page held, if any.
        func remove() { page.withLock { $0 }?.remove() }
    }
}

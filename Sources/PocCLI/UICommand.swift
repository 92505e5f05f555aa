import ArgumentParser
import CommandLineSupport
import Foundation
import PocKit
import PocUI
import ProcessLaunch

/// `poc ui`: the local web interface, served by this process on 127.0.0.1.
struct UI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui",
        abstract: "Open the web interface: this POC's inbox in a browser, served on 127.0.0.1 by this process.",
        discussion: """
            Prints on the first line of standard output the address to open, with a one-time login token, and \
            opens it with xdg-open unless --no-open: xdg-open gets a private file (mode 0600, in a folder of \
            mode 0700 under $XDG_RUNTIME_DIR or the POC home) that redirects to the address, so that the token \
            never appears on a command line; the file is removed at the login or when poc ui stops. The keys stay in this process: from `poc unlock`'s agent \
            when it runs, or from --passphrase-file, else the first page asks for the passphrase. Ctrl-C stops \
            it and erases the keys.

            Examples:
              poc ui
              poc ui --no-open --port 8181 --lock-after 30m
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The port on 127.0.0.1 (default 0: a free one).") var port: Int = 0
    @Flag(help: "Do not start a browser; only print the address.") var noOpen = false
    @Option(help: "Lock the keys after this long without use, e.g. 15m, 1h (default 15m).", transform: durationOption)
    var lockAfter: DurationArgument?

    func run() async throws {
        guard (0...65_535).contains(port) else { throw PocError.usage("--port must be between 0 and 65535") }
        let environment = global.environment
        let home = global.pocHome
        _ = try Profile.load(from: home).enrolled()
        let lockSeconds = lockAfter?.seconds ?? 15 * 60
        let configuration = PocUIConfiguration(home: home, port: port, lockAfter: .seconds(lockSeconds))
        let opener = noOpen ? nil : ExecutableSearch.find("xdg-open", in: environment.variables["PATH"])
        // A passphrase file (as every command reads it) unlocks at start; else the agent or the page.
        let file = global.passphraseFile ?? environment.variables["POC_PASSPHRASE_FILE"]
        let passphrase = try file.map { _ in try global.passphrase.read() }
        // The browser gets a private file that redirects to the URL, never the URL on a command line.
        let launch = UILaunchPage.Slot()
        defer { launch.remove() }
        let base = UILaunchPage.base(environment: environment.variables, home: home)
        try await PocUIServer(configuration: configuration).run(
            unlockingWith: passphrase, onLogin: { launch.remove() }
        ) { url in
            environment.write(url.absoluteString)
            environment.error("poc: serving the web interface for \(home.path) on 127.0.0.1 only (Ctrl-C to stop)")
            guard let opener else { return }
            do {
                let page = try UILaunchPage.create(redirectingTo: url, under: base)
                launch.hold(page)
                try ChildProcess.startInBackground(executable: opener, arguments: [page.file], environment: environment.variables)
            } catch {
                let reason = (error as? PocError)?.message ?? "\(error)"
                environment.error("poc: warning: the browser could not be started (\(reason)); open the address above in it")
            }
        }
        environment.error("poc: the web interface stopped; the keys were erased from memory")
    }
}

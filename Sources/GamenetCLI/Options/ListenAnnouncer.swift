import GamenetCore

/// Says where a command listens: one line per bound endpoint on standard error, and with `--json` a JSON event on
/// standard output, so that scripts and tests can bind port 0 and read the real port back.
enum ListenAnnouncer {
    static func announce(_ urls: [String], json: Bool, what: String? = nil) {
        for url in urls {
            StandardOutput.printError("listening on \(url)" + (what.map { " (\($0))" } ?? "") + "\n")
            if json {
                let role = what.map { #","role":"\#($0)""# } ?? ""
                StandardOutput.printLine(#"{"event":"listening","url":"\#(url)"\#(role)}"#)
            }
        }
    }
}

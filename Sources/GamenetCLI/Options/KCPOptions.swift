import ArgumentParser
import GamenetCore

/// KCP options of the commands that open `kcp://` endpoints or serve KCP.
struct KCPOptions: ParsableArguments {
    @Option(help: "Close a KCP session that has heard nothing from its peer for this long.")
    var kcpTimeout: Duration = .seconds(30)
}

extension KCPConfiguration.Mode: ExpressibleByArgument {}

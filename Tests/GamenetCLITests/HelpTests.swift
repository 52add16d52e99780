import ArgumentParser
import Foundation
import Testing

@testable import GamenetCLI

/// Every option a user can type explains itself in `--help`.
struct HelpTests {
    /// The argument parser's own description of the command tree (`gamenet --experimental-dump-help`).
    private static func commandTree() throws -> [String: Any] {
        let json = GamenetCommand._dumpHelp()
        let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        return try #require(root?["command"] as? [String: Any])
    }

    /// `(command path, argument names)` of every argument in the tree that has no help text.
    private static func undocumented(in command: [String: Any], path: String) -> [(String, String)] {
        var missing: [(String, String)] = []
        for argument in command["arguments"] as? [[String: Any]] ?? [] {
            let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            let abstract = argument["abstract"] as? String ?? ""
            let isHidden = argument["shouldDisplay"] as? Bool == false
            if abstract.isEmpty, !isHidden {
                missing.append((path, names.joined(separator: ",") + (argument["valueName"] as? String ?? "")))
            }
        }
        for subcommand in command["subcommands"] as? [[String: Any]] ?? [] {
            let name = subcommand["commandName"] as? String ?? "?"
            // `help` is the argument parser's own subcommand, not one of ours.
            if name == "help" { continue }
            missing += Self.undocumented(in: subcommand, path: path + " " + name)
        }
        return missing
    }

    @Test func everyArgumentAndOptionHasHelpText() throws {
        let missing = Self.undocumented(in: try Self.commandTree(), path: "gamenet")
        #expect(missing.isEmpty, "without help: \(missing)")
    }

    @Test func rootHelpListsTheSubcommands() {
        let help = GamenetCommand.helpMessage(columns: 1000)
        for name in ["serve", "connect", "proxy"] {
            #expect(help.contains("  \(name) "))
        }
    }

    @Test func versionIsSet() {
        #expect(GamenetCommand.configuration.version == GamenetCommand.version)
    }
}

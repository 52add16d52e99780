import ArgumentParser
import Foundation
import Testing

@testable import GamenetCLI

/// The committed completion scripts are what the argument parser generates today; a changed option without
/// regenerated scripts fails here (see the README for the regeneration commands).
struct CompletionsFreshnessTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test(arguments: [
        (CompletionShell.bash, "gamenet.bash"), (CompletionShell.zsh, "_gamenet"),
        (CompletionShell.fish, "gamenet.fish"),
    ])
    func committedScriptMatchesGenerator(shell: CompletionShell, file: String) throws {
        let url = Self.repositoryRoot.appendingPathComponent("completions/\(file)")
        let committed = try String(contentsOf: url, encoding: .utf8)
        #expect(committed == GamenetCommand.completionScript(for: shell) + "\n")
    }
}

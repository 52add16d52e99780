import GamenetCLI

@main
enum Entrypoint {
    static func main() async {
        await GamenetCommand.runAsMain()
    }
}

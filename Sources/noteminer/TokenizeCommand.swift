import ArgumentParser

struct TokenizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'tokenize' is not available in this build yet") }
}

import ArgumentParser

struct EvalContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "context", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'eval context' is not available in this build yet") }
}

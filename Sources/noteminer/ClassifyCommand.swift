import ArgumentParser

struct ClassifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "classify", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'classify' is not available in this build yet") }
}

import ArgumentParser

struct EvalADRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "adr", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'eval adr' is not available in this build yet") }
}

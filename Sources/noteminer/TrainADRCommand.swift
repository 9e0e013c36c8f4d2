import ArgumentParser

struct TrainADRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "adr", abstract: "(not yet available)")
    func run() async throws { throw ValidationError("'train adr' is not available in this build yet") }
}

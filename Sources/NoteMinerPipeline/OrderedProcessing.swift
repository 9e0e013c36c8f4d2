import NoteMinerIO
import NoteMinerModel

/// Runs `transform` over the inputs with at most `inFlight` notes being processed at once, and hands the
/// results to `emit` strictly in input order, so outputs are byte-identical whatever the parallelism.
///
/// The reader is pulled lazily: memory stays bounded by `inFlight` notes plus the reorder buffer, which
/// never holds more than `inFlight` results because a new note starts only when one finishes.
public func processInOrder<Output: Sendable>(
    _ inputs: NoteReader,
    jobs: Int,
    transform: @escaping @Sendable (NoteInput) -> Output,
    emit: (Output) throws -> Void
) async throws {
    if jobs <= 1 {
        for item in inputs { try emit(transform(item)) }
        return
    }
    let inFlight = jobs * 2
    var iterator = inputs.makeIterator()
    try await withThrowingTaskGroup(of: (Int, Output).self) { group in
        var nextIndex = 0
        var nextToEmit = 0
        var pending: [Int: Output] = [:]
        func startNext() -> Bool {
            guard let item = iterator.next() else { return false }
            let index = nextIndex
            nextIndex += 1
            group.addTask { (index, transform(item)) }
            return true
        }
        var running = 0
        while running < inFlight, startNext() { running += 1 }
        while running > 0 {
            guard let (index, output) = try await group.next() else { break }
            running -= 1
            pending[index] = output
            while let ready = pending.removeValue(forKey: nextToEmit) {
                try emit(ready)
                nextToEmit += 1
            }
            if startNext() { running += 1 }
        }
    }
}

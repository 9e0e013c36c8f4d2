import Foundation
import GRDB
import NoteMinerModel
import NoteMinerProfiles

/// `results.sqlite` built on a thread of its own while the run goes on: notes are inserted as the pipeline
/// emits them and profiles as the report phase serializes them, so the database — the slowest single output,
/// one writer by SQLite's design — is mostly done when the last note is, instead of starting only then.
///
/// Call `add` from one thread, in the order rows should get their keys (notes in input order, then profiles by
/// patient id), then `finish`. Rows and keys depend only on that order, so the file is the same whatever the
/// timing. The database is built in `<path>.tmp` and renamed over `path` by `finish`; `cancel` (or dropping the
/// stream unfinished) removes the temporary file, so a failed run never leaves a half-written `results.sqlite`.
public final class SQLiteStream: Sendable {
    private let worker: SQLiteStreamWorker
    public var path: String { worker.path }

    public init(path: String) throws { worker = try SQLiteStreamWorker(path: path) }

    /// A stream dropped without `finish` is cancelled: its temporary file is removed.
    deinit { worker.cancelIfRunning() }

    public func add(_ note: NoteResult) { worker.add(note) }

    /// No more notes: the note-level indexes are built now, while the caller builds the profiles.
    public func notesComplete() { worker.notesComplete() }

    /// `line` is `profile.jsonLine()`, serialized once by the caller for `profiles.jsonl` and this table alike.
    public func add(_ profile: PatientProfile, line: [UInt8]) { worker.add(profile, line: line) }

    /// Writes the run row and the indexes, waits for the thread and renames the database into place.
    public func finish(run: RunInfo) throws { try worker.finish(run: run) }

    /// Stops the thread and removes the temporary file; `path` is left as it was.
    public func cancel() { worker.cancel() }
}

/// The thread and its queue; separate from `SQLiteStream` so the thread's reference does not keep the stream
/// alive (the stream's deinit is what cancels an abandoned database).
final class SQLiteStreamWorker: @unchecked Sendable {
    private enum Item {
        case note(NoteResult)
        case notesComplete
        case profile(PatientProfile, line: [UInt8])
        case finish(RunInfo)
        case cancel
    }

    // All state below is guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var head = 0
    private var queuedBytes = 0
    private var failure: (any Error)?
    private var ended = false
    private var done = false

    /// Queued profile lines are held only here (notes are shared with the caller's results), so they are bounded.
    private let maxQueuedBytes = 4 << 20
    /// Queued notes that wake the thread (see `enqueue`).
    private let wakeBatch = 32
    let path: String
    private let tmp: String

    init(path: String) throws {
        self.path = path
        tmp = path + ".tmp"
        let fm = FileManager.default
        for p in [tmp, tmp + "-journal"] where fm.fileExists(atPath: p) { try fm.removeItem(atPath: p) }
        let thread = Thread { [self] in work() }
        thread.stackSize = 8 << 20
        thread.start()
    }

    func cancelIfRunning() {
        condition.lock()
        let running = !ended
        condition.unlock()
        if running { cancel() }
    }

    func add(_ note: NoteResult) { enqueue(.note(note), bytes: 0) }

    func notesComplete() { enqueue(.notesComplete, bytes: 0) }

    func add(_ profile: PatientProfile, line: [UInt8]) { enqueue(.profile(profile, line: line), bytes: line.count) }

    func finish(run: RunInfo) throws {
        enqueue(.finish(run), bytes: 0)
        try waitUntilDone()
    }

    func cancel() {
        enqueue(.cancel, bytes: 0)
        _ = try? waitUntilDone()
    }

    private func enqueue(_ item: Item, bytes: Int) {
        condition.lock()
        defer { condition.unlock() }
        guard !ended else { return }
        switch item {
        case .finish, .cancel: ended = true
        default: break
        }
        // After a failure the thread takes nothing more: drop the rows, `finish` reports the error.
        guard failure == nil else {
            if ended { condition.broadcast() }
            return
        }
        while bytes > 0, queuedBytes > 0, queuedBytes + bytes > maxQueuedBytes, failure == nil { condition.wait() }
        queue.append(item)
        queuedBytes += bytes
        // Notes wake the thread a batch at a time: woken for each, it slept again after every note, and those
        // sleeps and wake-ups were a fifth of the run's system calls. Any other item wakes it at once.
        if case .note = item, queue.count - head < wakeBatch { return }
        condition.broadcast()
    }

    /// The next item, waiting for one. Only the thread's `build` takes items, and it stops at `.finish` or
    /// `.cancel`, one of which every producer sends last.
    private func next() -> Item {
        condition.lock()
        defer { condition.unlock() }
        while head == queue.count { condition.wait() }
        let item = queue[head]
        queue[head] = .cancel  // drop the reference now, not when the queue is compacted
        head += 1
        if head > 1024, head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        if case .profile(_, let line) = item { queuedBytes -= line.count }
        condition.broadcast()
        return item
    }

    private func waitUntilDone() throws {
        condition.lock()
        defer { condition.unlock() }
        while !done { condition.wait() }
        if let failure { throw failure }
    }

    private func work() {
        do {
            try build()
        } catch {
            // Record the failure, then let producers finish: they add nothing more once `failure` is set, and wait
            // on no full queue, since `enqueue` stops waiting when it is. Their `finish` or `cancel` reports it.
            condition.lock()
            failure = error as? SQLiteWriterError ?? SQLiteWriterError(path: path, reason: String(describing: error))
            condition.broadcast()
            while !ended { condition.wait() }
            queue.removeAll()
            head = 0
            condition.unlock()
            try? FileManager.default.removeItem(atPath: tmp)
        }
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    private func build() throws {
        var config = Configuration()
        // The file is private until the rename below, so journaling and syncing buy nothing: a crash leaves
        // only the temporary file, which the next write removes.
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF")
            try db.execute(sql: "PRAGMA synchronous = OFF")
            // 16 KB pages instead of 4 KB: a fifth less CPU to insert and index a big run's rows.
            try db.execute(sql: "PRAGMA page_size = 16384")
        }
        let queue = try DatabaseQueue(path: tmp, configuration: config)
        var cancelled = false
        try queue.write { db in
            try db.execute(sql: SQLiteWriter.schema)
            try db.execute(sql: "PRAGMA user_version = \(SQLiteWriter.schemaVersion)")
            let inserter = try SQLiteWriter.Inserter(db)
            var notesIndexed = false
            func indexNotes() throws {
                guard !notesIndexed else { return }
                notesIndexed = true
                try inserter.flushMentions()
                PhaseTrace.markThread("sqlite notes inserted")
                try db.execute(sql: SQLiteWriter.noteIndexes)
                PhaseTrace.markThread("sqlite note indexes built")
                Memory.releaseFreed()
            }
            loop: while true {
                switch next() {
                case .note(let n):
                    try inserter.note(n)
                case .notesComplete:
                    try indexNotes()
                case .profile(let p, let line):
                    try inserter.profile(p, line: line)
                case .finish(let run):
                    try indexNotes()
                    try SQLiteWriter.insertRun(db, counts: inserter.counts, run: run)
                    try db.execute(sql: SQLiteWriter.profileIndexes)
                    break loop
                case .cancel:
                    cancelled = true
                    break loop
                }
            }
        }
        try queue.close()
        PhaseTrace.markThread("sqlite built")
        if cancelled {
            try? FileManager.default.removeItem(atPath: tmp)
            return
        }
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
        try fm.moveItem(atPath: tmp, toPath: path)
    }
}

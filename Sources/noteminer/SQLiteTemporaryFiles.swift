import Foundation

/// SQLite sorts an index bigger than its cache in temporary files, which it creates (and unlinks at once) in
/// `$SQLITE_TMPDIR`, else `$TMPDIR`, else `/var/tmp`: a run's index keys (patient and concept ids) landed on the
/// system disk, outside the folder the user named. Pointed at the output folder before the database is opened,
/// they stay there. Once per process, before the run's threads start (setting the environment is not safe
/// while other threads read it); a user's own `SQLITE_TMPDIR` is left alone.
enum SQLiteTemporaryFiles {
    static func keep(inside folder: String) {
        guard ProcessInfo.processInfo.environment["SQLITE_TMPDIR"] == nil else { return }
        setenv("SQLITE_TMPDIR", folder, 0)
    }
}

import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// The SQLite store: one file in WAL mode, `synchronous=FULL` unless told otherwise.
///
/// ```swift
/// let store = try SQLiteStore(path: ".dixmgr/state.db")
/// ```
package final class SQLiteStore: WorkflowStore {
    /// How hard SQLite works to make each commit durable.
    package enum Synchronous: String, Sendable {
        /// Every commit is on disk when it returns (fsync of the WAL). The default.
        case full = "FULL"
        /// A power loss may drop the last commits; a process crash loses nothing.
        case normal = "NORMAL"
    }

    package let path: String
    package let pool: DatabasePool
    /// What the writer connection's step commits learned of their runs (see ``FenceMemo``).
    let fenceMemo = Mutex(FenceMemo())
    /// The writer connection's statements for a commit (see ``CommitStatements``).
    let writerStatements = Mutex<CommitStatements?>(nil)

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    package init(path: String, synchronous: Synchronous = .full, createIfMissing: Bool = true) throws {
        self.path = path
        if !createIfMissing && !FileManager.default.fileExists(atPath: path) {
            throw EngineError(.storage, "no database at \(path): start dixmgr first, or pass --db PATH")
        }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "dixmgr.state"
        configuration.prepareDatabase { db in
            // The writer applies every commit: a page cache of 32 MB keeps the B-tree pages it
            // updates in memory rather than reading them back per batch (2 MB by default).
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -32000") }
        }
        do {
            pool = try SharedDatabaseFile.openPool(path: path, configuration: configuration)
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
            }
            try Self.migrate(pool)
            try checkSchemaIsKnown()
        } catch let error as EngineError {
            throw error
        } catch let error as DatabaseError {
            throw EngineError(.storage, "cannot open \(path): \(error.message ?? error.description)")
        }
    }

    /// Throws unless every engine migration applied to the file is one this version knows: a
    /// newer dixmgr or dixctl may have upgraded it since it was opened.
    package func checkSchemaIsKnown() throws {
        try pool.read { db in
            let applied = try Self.migrator.appliedIdentifiers(db).filter(Self.isEngineMigration)
            let known = Set(Self.migrator.migrations)
            if let unknown = applied.sorted().first(where: { !known.contains($0) }) {
                throw EngineError(
                    .storage,
                    "\(path) was written by a newer dixmgr (schema migration '\(unknown)' is unknown to this version); upgrade dixmgr or use another --db")
            }
        }
    }

    /// The synchronous mode in force on the writer connection.
    package func synchronousMode() throws -> String {
        try pool.writeWithoutTransaction { db in
            switch try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 {
            case 0: return "OFF"
            case 1: return "NORMAL"
            case 2: return "FULL"
            case 3: return "EXTRA"
            case let other: return "\(other)"
            }
        }
    }

    static let openStatuses = "('pending','running')"

    /// Whether a migration identifier is the engine's (`v1-runs-events-timers-signals`): other
    /// components that keep tables in the same file, like the health history, name theirs
    /// otherwise, so their migrations are not taken for a newer engine's.
    static func isEngineMigration(_ identifier: String) -> Bool {
        identifier.first == "v" && identifier.dropFirst().first?.isNumber == true
    }

    /// Applies pending migrations (see ``DatabaseMigrator/migrateSharedFile(_:)``), unless a
    /// worker runs on the file: its schema is then the older one, and it would fail on every
    /// write after the upgrade. The worker must stop first; a new one upgrades the file on start.
    static func migrate(_ pool: DatabasePool) throws {
        let pending = try pool.read { db -> [String] in
            let applied = try migrator.appliedIdentifiers(db)
            // A new file, with nothing to follow: nothing runs on it yet.
            return applied.isEmpty ? [] : migrator.migrations.filter { !applied.contains($0) }
        }
        if let migration = pending.first {
            let running = WorkerLivenessLock.runningWorkers(databasePath: pool.path)
            if !running.isEmpty {
                throw EngineError(
                    .storage,
                    "\(pool.path) needs a schema upgrade (migration '\(migration)') that the running worker"
                        + " \(running.joined(separator: ", ")) cannot follow: stop it (e.g. systemctl stop dixmgr), then start this"
                        + " version's dixmgr, which upgrades the database; nothing was changed")
            }
        }
        try migrator.migrateSharedFile(pool)
    }
}

/// What the writer connection's own step commits left each open run at: its lease token and the
/// index of its next event. While the database file has not changed since (its data version,
/// which any commit moves, by this connection or another process), that is still true, and a
/// step's commit needs no fence read (three B-tree seeks: the run's key, its row, its last event).
/// A close that ends other runs (a parent's children) forgets them all.
/// The statements every commit runs, prepared once on the pool's writer connection, the only one
/// that commits: GRDB's statement cache finds a statement by hashing its SQL text, every time.
/// Unchecked: GRDB's statements are used only inside the writer's serialized access, as here.
struct CommitStatements: @unchecked Sendable {
    let begin: Statement
    let commit: Statement
    let insertEvent: Statement
}

struct FenceMemo {
    struct Run {
        var leaseToken: Int64
        /// The run's key (`runs.run_key`), which its events' keys start with.
        var runKey: Int64
        var nextIndex: Int
    }

    /// The file's data version after the commit that left `runs` so; nil when unknown.
    var dataVersion: UInt32?
    var runs: [String: Run] = [:]

    /// Whether nothing changed the file since: called inside a transaction, whose start read
    /// what other connections committed.
    func holds(for db: Database) -> Bool {
        dataVersion != nil && dataVersion == Self.dataVersion(of: db)
    }

    /// `SQLITE_FCNTL_DATA_VERSION`: the one counter that moves with changes by this connection
    /// and by others (`PRAGMA data_version` misses this connection's, the change count others').
    static func dataVersion(of db: Database) -> UInt32? {
        var version: UInt32 = 0
        guard sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_DATA_VERSION, &version) == SQLITE_OK else { return nil }
        return version
    }
}

extension DatabaseMigrator {
    /// Applies pending migrations to a database file other processes may be opening at the
    /// same moment (see ``SharedDatabaseFile``).
    ///
    /// GRDB reads which migrations are applied once, then runs each pending one in its own
    /// transaction. Another process can apply one in between, and running it again then fails
    /// in its own way ("duplicate column name" for an added column). Such a failure is taken
    /// for that race only when the applied set changed meanwhile; doing it again then finds the
    /// work done. A migration that fails on its own fails the same way with nothing changed.
    package func migrateSharedFile(_ writer: any DatabaseWriter) throws {
        try SharedDatabaseFile.retryingConflicts {
            let applied = try writer.read { try appliedIdentifiers($0) }
            do {
                try migrate(writer)
            } catch let error as DatabaseError {
                if try writer.read({ try appliedIdentifiers($0) }) != applied {
                    throw SharedDatabaseFile.LostRace(underlying: error)
                }
                throw error
            }
        }
    }
}

/// Opening one new database file from several processes at once (dixctl and dixmgr both
/// starting, two workers): their setup shows up as a lock, an "already exists" conflict or a
/// migration another process applied first (``LostRace``), and doing it again then finds the
/// file ready.
package enum SharedDatabaseFile {
    /// A step failed because another process did the same work first.
    struct LostRace: Error {
        let underlying: any Error
    }

    package static func retryingConflicts<T>(_ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch where isConflict(error) {
                attempt += 1
                if attempt > 40 { throw (error as? LostRace)?.underlying ?? error }
                usleep(50_000)
            }
        }
    }

    static func isConflict(_ error: any Error) -> Bool {
        if error is LostRace { return true }
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
            || (error.message ?? "").contains("already exists")
    }

    /// Opens a pool on `path`, retrying conflicts with other processes opening it too.
    package static func openPool(path: String, configuration: Configuration) throws -> DatabasePool {
        try retryingConflicts { try DatabasePool(path: path, configuration: configuration) }
    }
}

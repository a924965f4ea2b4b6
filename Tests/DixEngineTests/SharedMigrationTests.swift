@testable import DixEngine
import Foundation
import GRDB
import Synchronization
import Testing

/// Two processes bringing one database file up to date at the same moment (dixmgr and dixctl
/// starting together on a new host).
@Suite struct SharedMigrationTests {
    /// Two migrations, the second adding a column: running it twice fails ("duplicate column").
    static func migrator(secondSQL: String = "ALTER TABLE items ADD COLUMN label TEXT") -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("items-v1") { db in try db.execute(sql: "CREATE TABLE items (id INTEGER PRIMARY KEY)") }
        migrator.registerMigration("items-v2") { db in try db.execute(sql: secondSQL) }
        return migrator
    }

    /// A pool whose writer lets `other` migrate the file after it has read which migrations are
    /// applied and before it begins the next one: the interleaving of two processes starting
    /// together, made certain.
    static func poolOvertaken(on path: String, by other: @escaping @Sendable () throws -> Void) throws -> DatabasePool {
        let overtaken = Mutex(false)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            guard !db.configuration.readonly else { return }
            db.trace(options: .statement) { event in
                guard case .statement(let statement) = event, statement.sql.hasPrefix("BEGIN") else { return }
                let first = overtaken.withLock { done in defer { done = true }; return !done }
                if first { try? other() }
            }
        }
        return try DatabasePool(path: path, configuration: configuration)
    }

    /// A pool on a file with the first migration applied, which another pool (another process)
    /// migrates to the end while this one is about to apply the rest.
    static func overtakenPool() throws -> DatabasePool {
        let path = try StoreTests().path()
        try migrator().migrate(try DatabasePool(path: path), upTo: "items-v1")
        let ahead = try DatabasePool(path: path)
        return try poolOvertaken(on: path) { try migrator().migrate(ahead) }
    }

    @Test func aMigrationAnotherProcessAppliedMeanwhileIsNotRunAgain() throws {
        // The race is real: GRDB alone runs items-v2 again and fails.
        let unguarded = try Self.overtakenPool()
        #expect {
            try Self.migrator().migrate(unguarded)
        } throws: { error in
            (error as? DatabaseError)?.message?.contains("duplicate column name") == true
        }

        let guarded = try Self.overtakenPool()
        try Self.migrator().migrateSharedFile(guarded)
        #expect(try guarded.read { try $0.columns(in: "items").map(\.name) } == ["id", "label"])
        #expect(try guarded.read { try Self.migrator().appliedMigrations($0) } == ["items-v1", "items-v2"])
    }

    @Test func aMigrationThatFailsOnItsOwnStillFailsWithItsError() throws {
        let pool = try DatabasePool(path: try StoreTests().path())
        let broken = Self.migrator(secondSQL: "ALTER TABLE missing ADD COLUMN label TEXT")
        #expect {
            try broken.migrateSharedFile(pool)
        } throws: { error in
            (error as? DatabaseError)?.message == "no such table: missing"
        }
        // Nothing of the failed migration stays; the one before it does.
        #expect(try pool.read { try broken.appliedMigrations($0) } == ["items-v1"])
    }
}

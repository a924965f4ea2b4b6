import GRDB
import GRDBSQLite

/// Binds a health event straight to the prepared INSERT with SQLite's C API.
///
/// This is the hot path of health history (100,000 events a second and more): binding through
/// SQLite directly skips building a `StatementArguments` of eleven boxed values per event. The
/// statement is GRDB's cached statement, used only here, inside GRDB's write transaction.
enum EventInsertion {
    /// SQLite copies bound text before `sqlite3_bind_text` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func insert(_ event: HealthEvent, at time: Int64, with statement: Statement, in db: Database) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        bind(event.service, 1, handle)
        bind(event.type, 2, handle)
        bind(event.chain, 3, handle)
        sqlite3_bind_int64(handle, 4, event.healthy ? 1 : 0)
        bind(event.cpuPercent, 5, handle)
        bind(event.memoryBytes, 6, handle)
        bind(event.diskIOBytesPerSecond, 7, handle)
        bind(event.peers.map(Int64.init), 8, handle)
        bind(event.synced.map { Int64($0 ? 1 : 0) }, 9, handle)
        bind(event.error, 10, handle)
        sqlite3_bind_int64(handle, 11, time)
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                sql: statement.sql)
        }
    }

    private static func bind(_ value: String?, _ index: Int32, _ handle: SQLiteStatement?) {
        guard var text = value else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                // An empty buffer may have no address, which SQLite would bind as NULL.
                if let address = characters.baseAddress, !characters.isEmpty {
                    _ = sqlite3_bind_text(handle, index, address, Int32(characters.count), transient)
                } else {
                    _ = sqlite3_bind_text(handle, index, "", 0, transient)
                }
            }
        }
    }

    private static func bind(_ value: Int64?, _ index: Int32, _ handle: SQLiteStatement?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    private static func bind(_ value: Double?, _ index: Int32, _ handle: SQLiteStatement?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }
}

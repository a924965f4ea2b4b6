import Foundation
import GRDB
import GRDBSQLite

/// One of GRDB's prepared statements, bound and stepped through SQLite's C API.
///
/// For the hot paths only (a step's commit, health history writes): GRDB's `StatementArguments`
/// boxes every value and checks it on the way in, which costs more than SQLite's own work on a
/// small row. Used inside GRDB's database access, on the connection that prepared it.
///
/// ```swift
/// let insert = RawStatement(try db.cachedStatement(sql: "INSERT INTO t (a, b) VALUES (?, ?)"))
/// insert.bind("text", at: 1)
/// insert.bind(Int64(7), at: 2)
/// try insert.execute(db)
/// ```
package struct RawStatement {
    /// SQLite copies bound text and blobs before the bind returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    private let statement: Statement
    private let handle: SQLiteStatement

    /// Wraps `statement`, reset and ready to bind.
    package init(_ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
        sqlite3_reset(handle)
    }

    package func bind(_ value: String?, at index: Int32) {
        guard var text = value else {
            sqlite3_bind_null(handle, index)
            return
        }
        text.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { characters in
                // An empty buffer may have no address, which SQLite would bind as NULL.
                if let address = characters.baseAddress, !characters.isEmpty {
                    _ = sqlite3_bind_text(handle, index, address, Int32(characters.count), Self.transient)
                } else {
                    _ = sqlite3_bind_text(handle, index, "", 0, Self.transient)
                }
            }
        }
    }

    /// Binds as GRDB binds `Data` (so an empty value reads back as GRDB would read it).
    package func bind(_ value: Data?, at index: Int32) {
        guard let value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    package func bind(_ value: Int64?, at index: Int32) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    package func bind(_ value: Int?, at index: Int32) {
        bind(value.map(Int64.init), at: index)
    }

    package func bind(_ value: Double?, at index: Int32) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    /// Runs a statement that returns no rows.
    package func execute(_ db: Database) throws {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else { throw error(code, db) }
    }

    /// Runs a query and reads its first row with `read` (nil without a row); the columns are
    /// read through `RawRow`, while the row is current.
    package func fetchFirst<T>(_ db: Database, _ read: (RawRow) -> T) throws -> T? {
        defer { sqlite3_reset(handle) }
        switch sqlite3_step(handle) {
        case SQLITE_ROW: return read(RawRow(handle: handle))
        case SQLITE_DONE: return nil
        case let code: throw error(code, db)
        }
    }

    private func error(_ code: Int32, _ db: Database) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
            sql: statement.sql)
    }
}

/// The current row of a ``RawStatement`` query.
package struct RawRow {
    fileprivate let handle: SQLiteStatement

    package func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
}

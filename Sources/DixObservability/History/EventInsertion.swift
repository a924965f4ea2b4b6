import DixEngine
import GRDB

/// Binds a health event straight to the prepared INSERT with SQLite's C API.
///
/// This is the hot path of health history (100,000 events a second and more): binding through
/// SQLite directly skips building a `StatementArguments` of eleven boxed values per event. The
/// statement is GRDB's cached statement, used only here, inside GRDB's write transaction.
enum EventInsertion {
    static func insert(_ event: HealthEvent, at time: Int64, with statement: Statement, in db: Database) throws {
        let insert = RawStatement(statement)
        insert.bind(event.service, at: 1)
        insert.bind(event.type, at: 2)
        insert.bind(event.chain, at: 3)
        insert.bind(Int64(event.healthy ? 1 : 0), at: 4)
        insert.bind(event.cpuPercent, at: 5)
        insert.bind(event.memoryBytes, at: 6)
        insert.bind(event.diskIOBytesPerSecond, at: 7)
        insert.bind(event.peers, at: 8)
        insert.bind(event.synced.map { Int64($0 ? 1 : 0) }, at: 9)
        insert.bind(event.error, at: 10)
        insert.bind(time, at: 11)
        try insert.execute(db)
    }
}

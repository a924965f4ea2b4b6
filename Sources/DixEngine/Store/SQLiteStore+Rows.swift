import Foundation
import GRDB

/// Conversions between rows and records. Times are stored as integer milliseconds.
extension SQLiteStore {
    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
    static func ms(_ date: Date?) -> Int64? { date.map { ms($0) } }
    static func date(_ ms: Int64) -> Date { Date(timeIntervalSince1970: Double(ms) / 1000) }
    static func date(_ ms: Int64?) -> Date? { ms.map { date($0) } }

    // Shared: encoding and decoding with them is thread-safe, and making one per value cost
    // as much as the insert it served.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .millisecondsSince1970
        return decoder
    }()

    static func json<T: Encodable>(_ value: T?) -> String? {
        guard let value else { return nil }
        return encodedJSON(value)
    }

    /// An event's detail: written directly when it can be (see ``EventDetail/storeJSON``).
    static func json(_ detail: EventDetail?) -> String? {
        guard let detail else { return nil }
        return detail.storeJSON ?? encodedJSON(detail)
    }

    private static func encodedJSON<T: Encodable>(_ value: T) -> String? {
        (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
        guard let text else { return nil }
        return try? decoder.decode(type, from: Data(text.utf8))
    }

    // Rows are read by position (runs: the column order of the v1 migration, as later
    // migrations only append columns; events: that of migration v2): looking columns up by
    // name costs a case-insensitive search each time.

    // Events are keyed by their run's key (`runs.run_key`) shifted left 32 bits, plus their
    // index in the run's history (migration v2).

    /// How many events one run can have: indices must fit in the key's low 32 bits.
    static let eventIndexLimit = 1 << 32

    /// The largest history limit a worker may be given: a run that passes it still has room
    /// for the events that fail and close it.
    package static let maximumHistoryLimit = eventIndexLimit / 2

    static func eventKey(run runKey: Int64, index: Int) -> Int64 { runKey << 32 | Int64(index) }

    /// The condition selecting the events of the run whose key `runKey` (an SQL expression) gives.
    static func eventsOfRun(_ runKey: String) -> String {
        "events.key BETWEEN (\(runKey) << 32) AND (\(runKey) << 32) + \(eventIndexLimit - 1)"
    }

    /// The index after the last event of the run whose key `runKey` (an SQL expression) gives.
    static func nextEventIndex(_ runKey: String) -> String {
        "(SELECT COALESCE(MAX(events.key) - (\(runKey) << 32), -1) + 1 FROM events WHERE \(eventsOfRun(runKey)))"
    }

    /// The number of events of the run, counted: the `event_count` column is set when a run
    /// closes, not by every step's commit (that would rewrite the run's row each time).
    static let eventCountColumn = "\(nextEventIndex("runs.run_key")) AS counted_events"

    /// What queries select to read a ``RunRecord``: the run's columns, then its event count.
    static let runColumns = "runs.*, \(eventCountColumn)"

    static func runRecord(_ row: Row) throws -> RunRecord {
        let statusText: String = row[3]
        guard let status = RunStatus(rawValue: statusText) else {
            throw EngineError(.storage, "run \(row[0] as String? ?? "?") has unknown status '\(statusText)'")
        }
        return RunRecord(
            runID: row[0], workflowID: row[1], workflowType: row[2], status: status, input: row[4], result: row[5],
            error: decodeJSON(ErrorInfo.self, row[6]), publishedStatus: row[7],
            createdAt: date(row[8] as Int64), startedAt: date(row[9] as Int64?), closedAt: date(row[10] as Int64?),
            owner: row[12], leaseExpiresAt: date(row[13] as Int64?), leaseToken: row[14], cancelRequested: row[15],
            parentRunID: row[17], parentStep: row[18],
            parentClosePolicy: (row[19] as String?).flatMap(ParentClosePolicy.init(rawValue:)),
            previousRunID: row[20], nextRunID: row[21],
            eventCount: (row["counted_events"] as Int?) ?? row[22], blockedReason: row[23])
    }

    /// An event of the run `runID` from its row (`SELECT events.*`).
    static func historyEvent(_ row: Row, runID: String) throws -> HistoryEvent {
        let index = Int((row[0] as Int64) & Int64(eventIndexLimit - 1))
        let kindText: String = row[2]
        guard let kind = HistoryEvent.Kind(rawValue: kindText) else {
            throw EngineError(.storage, "event \(index) of run \(runID) has unknown kind '\(kindText)'")
        }
        return HistoryEvent(
            index: index, step: row[1], kind: kind, name: row[3], attempt: row[4], inputDigest: row[5], input: row[6],
            output: row[7], error: decodeJSON(ErrorInfo.self, row[8]), detail: decodeJSON(EventDetail.self, row[9]),
            time: date(row[10] as Int64))
    }

    /// Inserts the run with its `workflowStarted` event; returns the run's key. Keys go up
    /// from the largest in use: one is reused only after its run was purged with its events.
    @discardableResult
    static func insertRun(_ run: NewRun, _ db: Database, now: Date) throws -> Int64 {
        let started = HistoryEvent(index: 0, kind: .workflowStarted, name: run.workflowType, input: run.input, time: now)
        let runKey = try Int64.fetchOne(
            db.cachedStatement(sql: """
                INSERT INTO runs (run_id, workflow_id, workflow_type, status, input, created_at, updated_at, owner,
                                  lease_expires_at, lease_token, parent_run_id, parent_step, parent_close_policy,
                                  previous_run_id, event_count, run_key)
                VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, (SELECT COALESCE(MAX(run_key), 0) + 1 FROM runs))
                RETURNING run_key
                """),
            arguments: [
                run.runID, run.workflowID, run.workflowType, run.input, ms(now), ms(now), run.owner,
                ms(run.leaseExpiresAt), run.owner == nil ? 0 : 1, run.parentRunID, run.parentStep,
                run.parentClosePolicy?.rawValue, run.previousRunID,
            ])!
        try insertEvent(started, index: started.index, runKey: runKey, db)
        return runKey
    }

    /// Appends an event to the run whose key is `runKey`, as its event number `index`: every
    /// step's commit does, so its values are bound directly.
    static let insertEventSQL = """
        INSERT INTO events (key, step, kind, name, attempt, digest, input, output, error, detail, time)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    /// Inserts `event`, with `statement` (``insertEventSQL`` prepared on `db`) when the caller
    /// holds one.
    static func insertEvent(_ event: HistoryEvent, index: Int, runKey: Int64, _ db: Database, statement: Statement? = nil) throws {
        let insert = RawStatement(try statement ?? db.cachedStatement(sql: insertEventSQL))
        insert.bind(eventKey(run: runKey, index: index), at: 1)
        insert.bind(event.step, at: 2)
        insert.bind(event.kind.rawValue, at: 3)
        insert.bind(event.name, at: 4)
        insert.bind(event.attempt, at: 5)
        insert.bind(event.inputDigest, at: 6)
        insert.bind(event.input, at: 7)
        insert.bind(event.output, at: 8)
        insert.bind(json(event.error), at: 9)
        insert.bind(json(event.detail), at: 10)
        insert.bind(ms(event.time), at: 11)
        try insert.execute(db)
    }
}

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

    // Rows are read by position (the column order of the v1 migration; later migrations only
    // append columns): looking columns up by name costs a case-insensitive search each time.

    /// The number of events of the run, counted: the `event_count` column is set when a run
    /// closes, not by every step's commit (that would rewrite the run's row each time).
    static let eventCountColumn =
        "(SELECT COALESCE(MAX(event_index), -1) + 1 FROM events WHERE events.run_id = runs.run_id) AS counted_events"

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

    static func historyEvent(_ row: Row) throws -> HistoryEvent {
        let kindText: String = row[3]
        guard let kind = HistoryEvent.Kind(rawValue: kindText) else {
            throw EngineError(.storage, "event \(row[1] as Int? ?? -1) of run \(row[0] as String? ?? "?") has unknown kind '\(kindText)'")
        }
        return HistoryEvent(
            index: row[1], step: row[2], kind: kind, name: row[4], attempt: row[5], inputDigest: row[6], input: row[7],
            output: row[8], error: decodeJSON(ErrorInfo.self, row[9]), detail: decodeJSON(EventDetail.self, row[10]),
            time: date(row[11] as Int64))
    }

    static func insertRun(_ run: NewRun, _ db: Database, now: Date) throws {
        let started = HistoryEvent(index: 0, kind: .workflowStarted, name: run.workflowType, input: run.input, time: now)
        try db.cachedStatement(sql: """
            INSERT INTO runs (run_id, workflow_id, workflow_type, status, input, created_at, updated_at, owner,
                              lease_expires_at, lease_token, parent_run_id, parent_step, parent_close_policy,
                              previous_run_id, event_count)
            VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
            """).execute(arguments: [
                run.runID, run.workflowID, run.workflowType, run.input, ms(now), ms(now), run.owner,
                ms(run.leaseExpiresAt), run.owner == nil ? 0 : 1, run.parentRunID, run.parentStep,
                run.parentClosePolicy?.rawValue, run.previousRunID,
            ])
        try insertEvent(started, runID: run.runID, db)
    }

    /// Appends an event: every step's commit does, so its values are bound directly.
    static func insertEvent(_ event: HistoryEvent, runID: String, _ db: Database) throws {
        let insert = RawStatement(try db.cachedStatement(sql: """
            INSERT INTO events (run_id, event_index, step, kind, name, attempt, digest, input, output, error, detail, time)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        insert.bind(runID, at: 1)
        insert.bind(event.index, at: 2)
        insert.bind(event.step, at: 3)
        insert.bind(event.kind.rawValue, at: 4)
        insert.bind(event.name, at: 5)
        insert.bind(event.attempt, at: 6)
        insert.bind(event.inputDigest, at: 7)
        insert.bind(event.input, at: 8)
        insert.bind(event.output, at: 9)
        insert.bind(json(event.error), at: 10)
        insert.bind(json(event.detail), at: 11)
        insert.bind(ms(event.time), at: 12)
        try insert.execute(db)
    }
}

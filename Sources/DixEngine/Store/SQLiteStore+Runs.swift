import Foundation
import GRDB

extension SQLiteStore {
    package func startRun(_ run: NewRun, now: Date) async throws -> RunRecord {
        try await pool.write { db in
            if let open = try Self.openRun(workflowID: run.workflowID, db) {
                throw EngineError(
                    .alreadyRunning,
                    "workflow \(run.workflowID) already has an open run \(open.runID) (\(open.status.rawValue)); wait for it, or cancel or terminate it")
            }
            try Self.insertRun(run, db, now: now)
            return try Self.runRecord(try Row.fetchOne(db, sql: "SELECT \(Self.runColumns) FROM runs WHERE run_id = ?", arguments: [run.runID])!)
        }
    }

    package func run(id: String) async throws -> RunRecord? {
        try await pool.read { db in try Self.fetchRun(id, db) }
    }

    package func resolve(_ id: String) async throws -> RunRecord? {
        try await pool.read { db in
            if let run = try Self.fetchRun(id, db) { return run }
            return try Row.fetchOne(
                db, sql: "SELECT \(Self.runColumns) FROM runs WHERE workflow_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
                arguments: [id]
            ).map(Self.runRecord)
        }
    }

    package func listRuns(_ filter: RunFilter) async throws -> [RunRecord] {
        try await pool.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let status = filter.status {
                clauses.append("status = ?")
                arguments += [status.rawValue]
            }
            if let type = filter.workflowType {
                clauses.append("workflow_type = ?")
                arguments += [type]
            }
            let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            arguments += [filter.limit]
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.runColumns) FROM runs \(whereClause) ORDER BY created_at DESC, rowid DESC LIMIT ?",
                arguments: arguments
            ).map(Self.runRecord)
        }
    }

    package func history(runID: String) async throws -> [HistoryEvent] {
        try await pool.read { db in try Self.history(runID: runID, db) }
    }

    package func histories(runIDs: [String]) async throws -> [String: [HistoryEvent]] {
        if runIDs.isEmpty { return [:] }
        return try await pool.read { db in
            var result: [String: [HistoryEvent]] = [:]
            for runID in runIDs {
                result[runID] = try Self.history(runID: runID, db)
            }
            return result
        }
    }

    /// The run's events in order (none for an unknown run).
    static func history(runID: String, _ db: Database) throws -> [HistoryEvent] {
        try Row.fetchAll(
            db.cachedStatement(sql: """
                SELECT events.* FROM runs JOIN events ON \(eventsOfRun("runs.run_key"))
                WHERE runs.run_id = ? ORDER BY events.key
                """),
            arguments: [runID]
        ).map { try historyEvent($0, runID: runID) }
    }

    static func fetchRun(_ runID: String, _ db: Database) throws -> RunRecord? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(Self.runColumns) FROM runs WHERE run_id = ?"), arguments: [runID])
            .map(Self.runRecord)
    }

    static func openRun(workflowID: String, _ db: Database) throws -> RunRecord? {
        // Usually there is none: asking first is cheaper than preparing to read a row.
        guard try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE workflow_id = ? AND status IN \(Self.openStatuses))"),
            arguments: [workflowID]) == true
        else { return nil }
        return try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(Self.runColumns) FROM runs WHERE workflow_id = ? AND status IN \(Self.openStatuses)"),
            arguments: [workflowID]
        ).map(Self.runRecord)
    }

    /// The open run a user-facing ID names, or an error saying why there is none.
    static func resolveOpen(_ id: String, _ db: Database) throws -> RunRecord {
        let run = try fetchRun(id, db) ?? openRun(workflowID: id, db)
            ?? Row.fetchOne(db, sql: "SELECT \(Self.runColumns) FROM runs WHERE workflow_id = ? ORDER BY created_at DESC LIMIT 1", arguments: [id]).map(Self.runRecord)
        guard let run else { throw EngineError(.notFound, "no workflow or run with ID \(id)") }
        guard run.status.isOpen else {
            throw EngineError(.closed, "run \(run.runID) of workflow \(run.workflowID) is already \(run.status.rawValue)")
        }
        return run
    }

    package func sendSignal(workflowID: String, name: String, payload: Data?, now: Date) async throws -> InboxSignal {
        try await pool.write { db in
            guard let run = try Self.openRun(workflowID: workflowID, db) else {
                throw EngineError(.notFound, "workflow \(workflowID) has no open run to signal")
            }
            try db.cachedStatement(sql: "INSERT INTO signals (workflow_id, name, payload, sent_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [run.workflowID, name, payload, Self.ms(now)])
            return InboxSignal(id: db.lastInsertedRowID, workflowID: run.workflowID, name: name, payload: payload, sentAt: now)
        }
    }

    package func requestCancel(_ id: String, now: Date) async throws -> RunRecord {
        try await pool.write { db in
            let run = try Self.resolveOpen(id, db)
            try db.execute(
                sql: "UPDATE runs SET cancel_requested = 1, updated_at = ? WHERE run_id = ?",
                arguments: [Self.ms(now), run.runID])
            return try Self.fetchRun(run.runID, db)!
        }
    }

    package func terminate(_ id: String, reason: String, now: Date) async throws -> RunRecord {
        try await pool.write { db in
            let run = try Self.resolveOpen(id, db)
            try Self.terminate(run, reason: reason, db, now: now)
            return try Self.fetchRun(run.runID, db)!
        }
    }

    /// Closes `run` as terminated regardless of its owner, and applies its children's policies.
    static func terminate(_ run: RunRecord, reason: String, _ db: Database, now: Date) throws {
        let error = ErrorInfo(type: "Terminated", message: reason, nonRetryable: true)
        let row = try Row.fetchOne(
            db, sql: """
                UPDATE runs SET status = 'terminated', error = ?, closed_at = ?, updated_at = ?, lease_expires_at = NULL,
                       event_count = \(nextEventIndex("runs.run_key")) + 1
                WHERE run_id = ? AND status IN \(Self.openStatuses) RETURNING event_count - 1, run_key
                """, arguments: [Self.json(error), Self.ms(now), Self.ms(now), run.runID])
        guard let row else { return }
        try insertEvent(HistoryEvent(kind: .workflowTerminated, error: error, time: now), index: row[0], runKey: row[1], db)
        try db.execute(sql: "DELETE FROM timers WHERE run_id = ?", arguments: [run.runID])
        try applyParentClosePolicies(parentRunID: run.runID, db, now: now)
    }

    /// Terminates or cancels the open children of a closing parent, per each child's policy.
    /// Returns whether the run had open children (which it then changed).
    @discardableResult
    static func applyParentClosePolicies(parentRunID: String, _ db: Database, now: Date) throws -> Bool {
        // Most runs have no open children: asking first is cheaper than preparing to read rows.
        guard try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE parent_run_id = ? AND status IN \(Self.openStatuses))"),
            arguments: [parentRunID]) == true
        else { return false }
        let children = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT \(Self.runColumns) FROM runs WHERE parent_run_id = ? AND status IN \(Self.openStatuses)"),
            arguments: [parentRunID]
        ).map(Self.runRecord)
        for child in children {
            switch child.parentClosePolicy ?? .cancel {
            case .terminate:
                try terminate(child, reason: "parent run \(parentRunID) closed (parent-close policy terminate)", db, now: now)
            case .cancel:
                try db.execute(
                    sql: "UPDATE runs SET cancel_requested = 1, updated_at = ? WHERE run_id = ?",
                    arguments: [Self.ms(now), child.runID])
            case .abandon:
                break
            }
        }
        return true
    }

    package func purge(closedBefore cutoff: Date, only: String? = nil, except: [String] = []) async throws -> Int {
        var sql = "SELECT run_id FROM runs WHERE closed_at IS NOT NULL AND closed_at < ?"
        var arguments: StatementArguments = [Self.ms(cutoff) as Int64]
        if let only {
            sql += " AND workflow_type = ?"
            arguments += [only]
        }
        if !except.isEmpty {
            sql += " AND workflow_type NOT IN (\(databaseQuestionMarks(count: except.count)))"
            arguments += StatementArguments(except)
        }
        let query = sql + " LIMIT 500"
        let queryArguments = arguments
        var total = 0
        while true {
            let removed = try await pool.write { db -> Int in
                let ids = try String.fetchAll(db, sql: query, arguments: queryArguments)
                for id in ids {
                    try db.cachedStatement(sql: """
                        DELETE FROM events WHERE \(Self.eventsOfRun("(SELECT run_key FROM runs WHERE run_id = ?1)"))
                        """).execute(arguments: [id])
                    try db.cachedStatement(sql: "DELETE FROM timers WHERE run_id = ?").execute(arguments: [id])
                    try db.cachedStatement(sql: "DELETE FROM runs WHERE run_id = ?").execute(arguments: [id])
                }
                if only == nil {
                    try db.execute(
                        sql: "DELETE FROM signals WHERE consumed_at IS NOT NULL AND consumed_at < ?", arguments: [Self.ms(cutoff)])
                }
                return ids.count
            }
            total += removed
            if removed < 500 { return total }
        }
    }
}

extension SQLiteStore {
    /// Creates a run whose history starts with `events` copied from another run (a fork).
    package func startRun(_ run: NewRun, copying events: [HistoryEvent], now: Date) async throws -> RunRecord {
        try await pool.write { db in
            if let open = try Self.openRun(workflowID: run.workflowID, db) {
                throw EngineError(.alreadyRunning, "workflow \(run.workflowID) already has an open run \(open.runID)")
            }
            let runKey = try Self.insertRun(run, db, now: now)
            var index = 1
            for event in events where !event.kind.isClose && event.kind != .workflowStarted && event.kind != .cancelRequested {
                try Self.insertEvent(event, index: index, runKey: runKey, db)
                index += 1
            }
            try db.execute(sql: "UPDATE runs SET event_count = ? WHERE run_id = ?", arguments: [index, run.runID])
            return try Self.fetchRun(run.runID, db)!
        }
    }
}

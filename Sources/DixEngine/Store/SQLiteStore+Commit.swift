import Foundation
import GRDB

extension SQLiteStore {
    package func commit(_ writes: [RunWrite], now: Date) -> [Result<WriteReceipt, Error>] {
        // Nearly always every write applies: then one transaction without a savepoint per
        // write (two statements SQLite parses each time) does. If one fails, the transaction
        // rolls back and the batch is applied again, each write in its own savepoint, so
        // that each still succeeds or fails alone; except that a run's writes after its failed
        // one under the same lease are refused, so that its history never has a hole.
        do {
            return try inMemoTransaction { db, known, statements in
                try writes.map { Result<WriteReceipt, Error>.success(try Self.apply($0, db, now: now, known: &known, statements: statements)) }
            }
        } catch {
            if writes.count == 1 { return [.failure(error)] }
        }
        do {
            return try pool.write { db in
                var known: [String: FenceMemo.Run] = [:]
                // Runs with a failed write: the lease token it was made under.
                var failedLeases: [String: Int64] = [:]
                return writes.map { write in
                    if failedLeases[write.runID] == write.leaseToken { return .failure(write.refusedAfterFailure) }
                    do {
                        var receipt = WriteReceipt(eventCount: 0)
                        try db.inSavepoint {
                            receipt = try Self.apply(write, db, now: now, known: &known)
                            return .commit
                        }
                        return .success(receipt)
                    } catch {
                        // A write rolled back to its savepoint: what the memo says may be undone too.
                        known.removeAll()
                        failedLeases[write.runID] = write.leaseToken
                        return .failure(error)
                    }
                }
            }
        } catch {
            return writes.map { _ in .failure(error) }
        }
    }

    /// One write, without the arrays of a batch (a lone run stepping commits so, see
    /// ``GroupCommitter/commitAlone(_:now:)``).
    package func commit(_ write: RunWrite, now: Date) -> Result<WriteReceipt, Error> {
        Result { try inMemoTransaction { db, known, statements in try Self.apply(write, db, now: now, known: &known, statements: statements) } }
    }

    /// Runs `body` in a prepared transaction on the writer (see ``inPreparedTransaction(_:_:)``),
    /// with what the writer knows of the runs it wrote last (see ``FenceMemo``).
    private func inMemoTransaction<T>(_ body: (Database, inout [String: FenceMemo.Run], CommitStatements) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            let statements = try commitStatements(db)
            // Taken out for the transaction: if it fails, what is left is an empty memo.
            var memo = fenceMemo.withLock { memo in
                defer { memo = FenceMemo() }
                return memo
            }
            let result = try Self.inPreparedTransaction(db, statements) {
                if !memo.holds(for: db) { memo.runs.removeAll(keepingCapacity: true) }
                return try body(db, &memo.runs, statements)
            }
            memo.dataVersion = FenceMemo.dataVersion(of: db)
            fenceMemo.withLock { $0 = memo }
            return result
        }
    }

    /// The writer's statements for a commit, prepared once (see ``CommitStatements``).
    private func commitStatements(_ db: Database) throws -> CommitStatements {
        if let statements = writerStatements.withLock({ $0 }) { return statements }
        let statements = CommitStatements(
            begin: try db.makeStatement(sql: "BEGIN IMMEDIATE TRANSACTION"), commit: try db.makeStatement(sql: "COMMIT TRANSACTION"),
            insertEvent: try db.makeStatement(sql: Self.insertEventSQL))
        writerStatements.withLock { $0 = statements }
        return statements
    }

    /// Runs `body` in an immediate transaction, like GRDB's `write`, but with BEGIN and COMMIT
    /// prepared once: GRDB parses both for every transaction, about 7 % of a lone step's CPU
    /// time with `synchronous=NORMAL` in a profile of dixbench's workload 2. Both are stepped
    /// through SQLite's C API (``RawStatement``), without GRDB's checks and observation
    /// bookkeeping around each statement (another 5 %): the engine registers no transaction
    /// observer, and GRDB reads whether a transaction is open from SQLite itself. Rolls back when
    /// anything throws.
    static func inPreparedTransaction<T>(_ db: Database, _ statements: CommitStatements, _ body: () throws -> T) throws -> T {
        try RawStatement(statements.begin).execute(db)
        do {
            let result = try body()
            try RawStatement(statements.commit).execute(db)
            return result
        } catch {
            if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
            throw error
        }
    }

    /// Applies one fenced write: action, fence and event indices, events, timers, close.
    /// `known` holds what earlier writes found out about their runs (see ``FenceMemo``); it is
    /// used instead of reading the fence, and kept up to date.
    static func apply(
        _ write: RunWrite, _ db: Database, now: Date, known: inout [String: FenceMemo.Run], statements: CommitStatements? = nil
    ) throws -> WriteReceipt {
        if let run = write.create {
            if let open = try openRun(workflowID: run.workflowID, db) {
                throw EngineError(
                    .alreadyRunning,
                    "workflow \(run.workflowID) already has an open run \(open.runID) (\(open.status.rawValue)); wait for it, or cancel or terminate it")
            }
            try insertRun(run, db, now: now)
        }
        var events = write.events
        var completion: HistoryEvent?
        if let action = write.action {
            completion = try perform(action, runID: write.runID, db, now: now, events: &events)
        }

        // The fence is a read: a step's commit writes its events and nothing else, so it costs
        // one B-tree page like a bare insert, not the run's row page too (the run's event count
        // is kept by its close; readers count open runs' events, see ``runColumns``). The same
        // query gives the run's key and the index of its next event (a seek in the events'
        // primary key). Fence 0 when the writer's lease no longer holds, 2 when the run is
        // still to be marked running, else 1. A run this connection wrote last, with nothing
        // written since, needs no reading (see ``FenceMemo``).
        let fence: Int64
        let runKey: Int64
        let nextIndex: Int
        // Found once: the same position is updated below (nothing changes `known` in between).
        let memoIndex = known.index(forKey: write.runID)
        if let memoIndex, case let run = known.values[memoIndex], run.leaseToken == write.leaseToken {
            (fence, runKey, nextIndex) = (1, run.runKey, run.nextIndex)
        } else {
            let fenceQuery = RawStatement(try db.cachedStatement(sql: """
                SELECT CASE WHEN lease_token = ?1 AND status IN \(Self.openStatuses)
                            THEN CASE WHEN status = 'pending' OR started_at IS NULL THEN 2 ELSE 1 END
                            ELSE 0 END,
                       run_key, \(Self.nextEventIndex("runs.run_key"))
                FROM runs WHERE run_id = ?2
                """))
            fenceQuery.bind(write.leaseToken, at: 1)
            fenceQuery.bind(write.runID, at: 2)
            (fence, runKey, nextIndex) =
                try fenceQuery.fetchFirst(db) { row in (row.int64(0), row.int64(1), Int(row.int64(2))) } ?? (0, 0, 0)
        }
        guard fence > 0 else {
            known[write.runID] = nil
            throw EngineError(.leaseLost, "run \(write.runID) is no longer owned by this worker (lease taken over, or run closed)")
        }
        if fence == 2 {
            try db.cachedStatement(sql: """
                UPDATE runs SET started_at = COALESCE(started_at, ?), status = CASE status WHEN 'pending' THEN 'running' ELSE status END,
                       updated_at = ?
                WHERE run_id = ?
                """).execute(arguments: [Self.ms(now), Self.ms(now), write.runID])
        }
        var index = nextIndex
        let count = index + events.count
        guard count <= Self.eventIndexLimit else {
            throw EngineError(.historyTooLarge, "run \(write.runID) cannot keep more than \(Self.eventIndexLimit) events")
        }

        // The events are read in place, each stored at its index: setting `index` in the
        // array would copy it (the write shares it), events and all, on every commit.
        for event in events {
            try insertEvent(event, index: index, runKey: runKey, db, statement: statements?.insertEvent)
            try updateTimer(for: event, runID: write.runID, db)
            if completion != nil && event.step == completion?.step && event.kind == completion?.kind {
                completion = event
                completion?.index = index
            }
            index += 1
        }
        if let status = write.publishedStatus {
            try db.cachedStatement(sql: "UPDATE runs SET published_status = ? WHERE run_id = ?")
                .execute(arguments: [status, write.runID])
        }
        if write.markCancelDelivered {
            try db.cachedStatement(sql: "UPDATE runs SET cancel_delivered = 1 WHERE run_id = ?")
                .execute(arguments: [write.runID])
        }
        var closedRun: RunRecord?
        if let close = write.close {
            known[write.runID] = nil
            closedRun = try closeRun(write.runID, close, eventCount: count, db, now: now, known: &known)
        } else {
            let run = FenceMemo.Run(leaseToken: write.leaseToken, runKey: runKey, nextIndex: count)
            if let memoIndex { known.values[memoIndex] = run } else { known[write.runID] = run }
        }
        return WriteReceipt(eventCount: count, completion: completion, closedRun: closedRun)
    }

    /// Decides an action inside the transaction and appends the events it records.
    static func perform(
        _ action: RunWrite.Action, runID: String, _ db: Database, now: Date, events: inout [HistoryEvent]
    ) throws -> HistoryEvent? {
        switch action {
        case .consumeSignal(let step, let name, let ifNone, let time):
            let row = try Row.fetchOne(
                db.cachedStatement(sql: """
                    SELECT id, payload FROM signals
                    WHERE workflow_id = (SELECT workflow_id FROM runs WHERE run_id = ?) AND name = ? AND consumed_at IS NULL
                    ORDER BY id LIMIT 1
                    """),
                arguments: [runID, name])
            if let row {
                let id: Int64 = row["id"]
                try db.cachedStatement(sql: "UPDATE signals SET consumed_run_id = ?, consumed_step = ?, consumed_at = ? WHERE id = ?")
                    .execute(arguments: [runID, step, Self.ms(now), id])
                let event = HistoryEvent(
                    step: step, kind: .signalReceived, name: name, inputDigest: PayloadCodec.digest(Data(name.utf8)),
                    output: row["payload"],
                    detail: EventDetail(signalID: id), time: time)
                events.append(event)
                return event
            }
            switch ifNone {
            case .timeOut:
                let event = HistoryEvent(
                    step: step, kind: .signalTimedOut, name: name, inputDigest: PayloadCodec.digest(Data(name.utf8)), time: time)
                events.append(event)
                return event
            case .recordWait(let deadline):
                events.append(HistoryEvent(
                    step: step, kind: .signalWaitStarted, name: name, inputDigest: PayloadCodec.digest(Data(name.utf8)),
                    detail: EventDetail(deadline: deadline), time: time))
                return nil
            case .keepWaiting:
                return nil
            }

        case .sendSignal(let step, let target, let name, let payload, let time):
            var event = HistoryEvent(
                step: step, kind: .signalSent, name: name,
                inputDigest: PayloadCodec.digest(Data((target + "\u{0}" + name).utf8) + (payload ?? Data())),
                input: payload, detail: EventDetail(workflowID: target), time: time)
            if let run = try openRun(workflowID: target, db) {
                try db.cachedStatement(sql: "INSERT INTO signals (workflow_id, name, payload, sent_at) VALUES (?, ?, ?, ?)")
                    .execute(arguments: [run.workflowID, name, payload, Self.ms(now)])
                event.detail?.runID = run.runID
            } else {
                event.error = ErrorInfo(type: "WorkflowNotFound", message: "workflow \(target) has no open run to signal", nonRetryable: true)
            }
            events.append(event)
            return event

        case .startChild(let step, let child, let digest, let time):
            var event = HistoryEvent(
                step: step, kind: .childStarted, name: child.workflowType, inputDigest: digest, input: child.input,
                detail: EventDetail(workflowID: child.workflowID, parentClosePolicy: child.parentClosePolicy), time: time)
            if let open = try openRun(workflowID: child.workflowID, db) {
                event.error = ErrorInfo(
                    type: "WorkflowAlreadyRunning",
                    message: "workflow \(child.workflowID) already has an open run \(open.runID)", nonRetryable: true)
            } else {
                try insertRun(child, db, now: now)
                event.detail?.runID = child.runID
            }
            events.append(event)
            return event
        }
    }

    /// Keeps the durable timer queue in step with the events: deadlines in, completions out.
    static func updateTimer(for event: HistoryEvent, runID: String, _ db: Database) throws {
        guard let step = event.step else { return }
        switch event.kind {
        case .signalSent, .childStarted, .childClosed, .sideEffect, .statusPublished, .activityStarted:
            return
        case .activityCompleted where (event.attempt ?? 1) <= 1, .activityFailed where (event.attempt ?? 1) <= 1:
            return  // a first attempt never waited on a retry timer
        default:
            break
        }
        if event.kind.isCompletion {
            try db.cachedStatement(sql: "DELETE FROM timers WHERE run_id = ? AND step = ?").execute(arguments: [runID, step])
        } else if let deadline = event.detail?.deadline {
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO timers (run_id, step, kind, fire_at) VALUES (?, ?, ?, ?)")
                .execute(arguments: [runID, step, event.kind.rawValue, Self.ms(deadline)])
        }
    }

    /// Closes the run and returns its record as closed.
    static func closeRun(
        _ runID: String, _ close: RunWrite.Close, eventCount: Int, _ db: Database, now: Date,
        known: inout [String: FenceMemo.Run]
    ) throws -> RunRecord? {
        let closed = try Row.fetchOne(
            db.cachedStatement(sql: """
                UPDATE runs SET status = ?, result = ?, error = ?, closed_at = ?, updated_at = ?, lease_expires_at = NULL,
                       next_run_id = ?, event_count = ?
                WHERE run_id = ?
                RETURNING *
                """),
            arguments: [
                close.status.rawValue, close.result, Self.json(close.error), Self.ms(now), Self.ms(now), close.successor?.runID,
                eventCount, runID,
            ]
        ).map(Self.runRecord)
        try db.cachedStatement(sql: "DELETE FROM timers WHERE run_id = ?").execute(arguments: [runID])
        // Ending the run's children changes runs the memo may know.
        if try applyParentClosePolicies(parentRunID: runID, db, now: now) { known.removeAll() }
        if let successor = close.successor {
            try insertRun(successor, db, now: now)
        }
        return closed
    }
}

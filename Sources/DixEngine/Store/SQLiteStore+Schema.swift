import Foundation
import GRDB

extension SQLiteStore {
    /// Versioned schema migrations. Never edit a shipped migration; add a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runs-events-timers-signals") { db in
            try db.execute(sql: """
                CREATE TABLE runs (
                    run_id TEXT PRIMARY KEY NOT NULL,
                    workflow_id TEXT NOT NULL,
                    workflow_type TEXT NOT NULL,
                    status TEXT NOT NULL,
                    input BLOB NOT NULL,
                    result BLOB,
                    error TEXT,
                    published_status BLOB,
                    created_at INTEGER NOT NULL,
                    started_at INTEGER,
                    closed_at INTEGER,
                    updated_at INTEGER NOT NULL,
                    owner TEXT,
                    lease_expires_at INTEGER,
                    lease_token INTEGER NOT NULL DEFAULT 0,
                    cancel_requested INTEGER NOT NULL DEFAULT 0,
                    cancel_delivered INTEGER NOT NULL DEFAULT 0,
                    parent_run_id TEXT,
                    parent_step INTEGER,
                    parent_close_policy TEXT,
                    previous_run_id TEXT,
                    next_run_id TEXT,
                    event_count INTEGER NOT NULL DEFAULT 0,
                    blocked_reason TEXT
                );
                CREATE UNIQUE INDEX runs_open_workflow_id ON runs(workflow_id) WHERE status IN ('pending','running');
                CREATE INDEX runs_workflow_id ON runs(workflow_id, created_at);
                CREATE INDEX runs_claimable ON runs(lease_expires_at) WHERE status IN ('pending','running');
                CREATE INDEX runs_owner ON runs(owner) WHERE status IN ('pending','running');
                CREATE INDEX runs_created ON runs(created_at);
                CREATE INDEX runs_closed ON runs(closed_at) WHERE closed_at IS NOT NULL;
                CREATE INDEX runs_parent ON runs(parent_run_id) WHERE parent_run_id IS NOT NULL;

                CREATE TABLE events (
                    run_id TEXT NOT NULL,
                    event_index INTEGER NOT NULL,
                    step INTEGER,
                    kind TEXT NOT NULL,
                    name TEXT,
                    attempt INTEGER,
                    digest TEXT,
                    input BLOB,
                    output BLOB,
                    error TEXT,
                    detail TEXT,
                    time INTEGER NOT NULL,
                    PRIMARY KEY (run_id, event_index)
                ) WITHOUT ROWID;

                CREATE TABLE timers (
                    run_id TEXT NOT NULL,
                    step INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    fire_at INTEGER NOT NULL,
                    PRIMARY KEY (run_id, step)
                ) WITHOUT ROWID;
                CREATE INDEX timers_fire_at ON timers(fire_at);

                CREATE TABLE signals (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    workflow_id TEXT NOT NULL,
                    name TEXT NOT NULL,
                    payload BLOB,
                    sent_at INTEGER NOT NULL,
                    consumed_run_id TEXT,
                    consumed_step INTEGER,
                    consumed_at INTEGER
                );
                CREATE INDEX signals_pending ON signals(workflow_id, name, id) WHERE consumed_at IS NULL;
                CREATE INDEX signals_consumed ON signals(consumed_at) WHERE consumed_at IS NOT NULL;
                """)
        }
        // A step's commit appends one event. Keyed by run ID and index (`WITHOUT ROWID`), the
        // appends split B-tree pages often and rebalance them with their neighbours (one commit in
        // eight wrote four pages instead of one), and compare text keys. Keyed by one integer,
        // the run's key shifted left 32 bits plus the event's index, a run's events are still
        // contiguous and ordered, and appending to the newest run is SQLite's cheapest insert.
        // Existing events are copied over with their runs' keys (the runs' rowids).
        migrator.registerMigration("v2-events-keyed-by-run-key") { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT run_id, event_index FROM events WHERE event_index < 0 OR event_index >= ? LIMIT 1",
                arguments: [Self.eventIndexLimit])
            {
                throw EngineError(
                    .storage,
                    "event \(row[1] as Int64) of run \(row[0] as String) is outside 0..<\(Self.eventIndexLimit); this history cannot be kept")
            }
            // About 5 s per million events on a 2-core machine: say why the start is slow.
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0
            if count >= 200_000 {
                FileHandle.standardError.write(Data(
                    "upgrading the state database: re-keying \(count) history events (once, about 5 s per million)\n".utf8))
            }
            try db.execute(sql: """
                ALTER TABLE runs ADD COLUMN run_key INTEGER;
                UPDATE runs SET run_key = rowid;
                CREATE UNIQUE INDEX runs_key ON runs(run_key);

                CREATE TABLE events_keyed (
                    key INTEGER PRIMARY KEY,
                    step INTEGER,
                    kind TEXT NOT NULL,
                    name TEXT,
                    attempt INTEGER,
                    digest TEXT,
                    input BLOB,
                    output BLOB,
                    error TEXT,
                    detail TEXT,
                    time INTEGER NOT NULL
                );
                INSERT INTO events_keyed
                    SELECT (runs.run_key << 32) + events.event_index, events.step, events.kind, events.name, events.attempt,
                           events.digest, events.input, events.output, events.error, events.detail, events.time
                    FROM events JOIN runs ON runs.run_id = events.run_id
                    ORDER BY 1;
                DROP TABLE events;
                ALTER TABLE events_keyed RENAME TO events;
                """)
        }
        return migrator
    }
}

import Foundation
import GRDB

extension SQLiteStore {
    package func claim(owner: String, limit: Int, leaseUntil: Date, now: Date) async throws -> [RunRecord] {
        try await pool.write { db in
            try Row.fetchAll(
                db.cachedStatement(sql: """
                    UPDATE runs SET owner = ?, lease_expires_at = ?, lease_token = lease_token + 1, updated_at = ?,
                           blocked_reason = NULL
                    WHERE run_id IN (
                        SELECT run_id FROM runs
                        WHERE status IN \(Self.openStatuses)
                          AND (owner IS NULL OR (owner != ? AND (lease_expires_at IS NULL OR lease_expires_at < ?)))
                        ORDER BY created_at LIMIT ?)
                    RETURNING *, \(Self.eventCountColumn)
                    """),
                arguments: [owner, Self.ms(leaseUntil), Self.ms(now), owner, Self.ms(now), limit]
            ).map(Self.runRecord)
        }
    }

    package func retake(runID: String, owner: String, leaseToken: Int64, leaseUntil: Date, now: Date) async throws -> RunRecord? {
        try await pool.write { db in
            try Row.fetchOne(
                db.cachedStatement(sql: """
                    UPDATE runs SET lease_expires_at = ?, lease_token = lease_token + 1, updated_at = ?
                    WHERE run_id = ? AND owner = ? AND lease_token = ? AND status IN \(Self.openStatuses)
                    RETURNING *, \(Self.eventCountColumn)
                    """),
                arguments: [Self.ms(leaseUntil), Self.ms(now), runID, owner, leaseToken]
            ).map(Self.runRecord)
        }
    }

    package func renewLeases(owner: String, until: Date) async throws {
        try await pool.write { db in
            try db.cachedStatement(sql: "UPDATE runs SET lease_expires_at = ? WHERE owner = ? AND status IN \(Self.openStatuses)")
                .execute(arguments: [Self.ms(until), owner])
        }
    }

    package func releaseLeases(owner: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE runs SET owner = NULL, lease_expires_at = NULL WHERE owner = ? AND status IN \(Self.openStatuses)",
                arguments: [owner])
        }
    }

    package func nextForeignLeaseExpiry(owner: String) async throws -> Date? {
        try await pool.read { db in
            try Int64.fetchOne(
                db, sql: """
                    SELECT MIN(lease_expires_at) FROM runs
                    WHERE status IN \(Self.openStatuses) AND owner IS NOT NULL AND owner != ?
                    """, arguments: [owner]
            ).map(Self.date)
        }
    }

    package func changes(owner: String, since marks: ChangeMarks) async throws -> (StoreChanges, ChangeMarks) {
        try await pool.read { db in
            var changes = StoreChanges()
            var next = marks
            // Signals newer than the mark, for open runs this worker owns.
            let maxSignal = try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM signals") ?? 0
            if maxSignal > marks.signalID {
                changes.signaled = Set(try String.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT DISTINCT r.run_id FROM signals s
                        JOIN runs r ON r.workflow_id = s.workflow_id AND r.status IN \(Self.openStatuses)
                        WHERE s.id > ? AND s.consumed_at IS NULL AND r.owner = ?
                        """), arguments: [marks.signalID, owner]))
                next.signalID = maxSignal
            }
            changes.cancelRequested = Set(try String.fetchAll(
                db.cachedStatement(sql: """
                    SELECT run_id FROM runs WHERE owner = ? AND status IN \(Self.openStatuses)
                    AND cancel_requested = 1 AND cancel_delivered = 0
                    """), arguments: [owner]))
            // Closes since the mark, with a second of overlap so equal timestamps are not missed.
            let since = Self.ms(marks.closedAt) - 1000
            let maxClosed = try Int64.fetchOne(db, sql: "SELECT MAX(closed_at) FROM runs WHERE closed_at IS NOT NULL")
            if let maxClosed, maxClosed >= since {
                changes.closedElsewhere = Set(try String.fetchAll(
                    db.cachedStatement(sql: "SELECT run_id FROM runs WHERE owner = ? AND status = 'terminated' AND closed_at >= ?"),
                    arguments: [owner, since]))
                for row in try Row.fetchAll(
                    db.cachedStatement(sql: """
                        SELECT c.run_id, c.parent_run_id FROM runs c JOIN runs p ON p.run_id = c.parent_run_id
                        WHERE c.closed_at >= ? AND p.owner = ? AND p.status IN \(Self.openStatuses)
                        """), arguments: [since, owner])
                {
                    changes.childClosed[row["parent_run_id"], default: []].insert(row["run_id"])
                }
                next.closedAt = Self.date(maxClosed)
            }
            return (changes, next)
        }
    }
}

extension SQLiteStore {
    /// Makes the leases of `owner` claimable now (its process is known to be dead).
    package func expireLeases(owner: String) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE runs SET lease_expires_at = 0 WHERE owner = ? AND status IN \(Self.openStatuses)", arguments: [owner])
            return db.changesCount
        }
    }
}

extension SQLiteStore {
    /// Records why the run's driver stopped (its code diverged from its history), for `show`.
    package func markBlocked(runID: String, leaseToken: Int64, reason: String) async throws {
        try await pool.write { db in
            try db.execute(
                sql: "UPDATE runs SET blocked_reason = ? WHERE run_id = ? AND lease_token = ?",
                arguments: [reason, runID, leaseToken])
        }
    }
}

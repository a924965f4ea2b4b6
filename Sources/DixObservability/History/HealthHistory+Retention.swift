import Foundation
import GRDB

extension HealthHistory {
    /// Deletes history older than `cutoff`, then returns the freed pages to the file system.
    ///
    /// Rows to delete are found by reads, which in WAL mode run beside the writer, and deleted by
    /// row id in chunks of ``Configuration/purgeChunkSize``, each its own short transaction, so the
    /// batch writer gets the database between chunks and recording never stalls. Open downtime
    /// incidents and firing alerts are kept whatever their age.
    @discardableResult
    public func purge(olderThan cutoff: Date) async throws -> PurgeResult {
        let cutoff = Milliseconds.from(cutoff)
        var result = PurgeResult()
        result.healthEvents = try await deleteInChunks(
            table: "health_events", selecting: "SELECT id FROM health_events WHERE id > ? AND time < ? ORDER BY id LIMIT ?",
            cutoff: cutoff)
        result.downtimeIncidents = try await deleteInChunks(
            table: "service_downtime",
            selecting: #"SELECT id FROM service_downtime WHERE id > ? AND resolved = 1 AND "end" < ? ORDER BY id LIMIT ?"#,
            cutoff: cutoff)
        result.restartEvents = try await deleteInChunks(
            table: "restart_events", selecting: "SELECT id FROM restart_events WHERE id > ? AND time < ? ORDER BY id LIMIT ?",
            cutoff: cutoff)
        result.alerts = try await deleteInChunks(
            table: "alert_history", selecting: "SELECT id FROM alert_history WHERE id > ? AND resolved < ? ORDER BY id LIMIT ?",
            cutoff: cutoff)
        result.pagesVacuumed = try await incrementalVacuum()
        return result
    }

    /// `sql` selects the next ids to delete: its arguments are the last id deleted, the cutoff and the chunk size.
    private func deleteInChunks(table: String, selecting sql: String, cutoff: Int64) async throws -> Int {
        let chunk = max(1, configuration.purgeChunkSize)
        var total = 0
        var after: Int64 = 0
        while true {
            try Task.checkCancellation()
            // Old rows come first in row id order, so each read stops early until the last one.
            let from = after
            let ids = try await database.read { db in
                try Int64.fetchAll(db, sql: sql, arguments: [from, cutoff, chunk])
            }
            guard let last = ids.last else { return total }
            let list = ids.map(String.init).joined(separator: ",")
            total += try await database.write { db in
                try db.execute(sql: "DELETE FROM \(table) WHERE id IN (\(list))")
                return db.changesCount
            }
            after = last
            if ids.count < chunk { return total }
        }
    }

    /// Frees pages in steps of a thousand, each step its own write, until none are left.
    private func incrementalVacuum() async throws -> Int {
        var freed = 0
        while true {
            try Task.checkCancellation()
            let step = try await database.writeWithoutTransaction { db -> Int in
                guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return 0 }
                let before = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                guard before > 0 else { return 0 }
                try db.execute(sql: "PRAGMA incremental_vacuum(1000)")
                let after = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                return before - after
            }
            freed += step
            if step == 0 { return freed }
        }
    }
}

import Foundation
import GRDB

extension HealthHistory {
    /// Deletes history older than `cutoff`, then returns the freed pages to the file system.
    ///
    /// Rows go in chunks of ``Configuration/purgeChunkSize``, each in its own short transaction,
    /// so the batch writer gets the database between chunks and recording never stalls. Open
    /// downtime incidents and firing alerts are kept whatever their age.
    @discardableResult
    public func purge(olderThan cutoff: Date) async throws -> PurgeResult {
        let cutoff = Milliseconds.from(cutoff)
        let chunk = max(1, configuration.purgeChunkSize)
        var result = PurgeResult()
        result.healthEvents = try await deleteInChunks(
            "DELETE FROM health_events WHERE id IN (SELECT id FROM health_events WHERE time < ? LIMIT ?)",
            cutoff: cutoff, chunk: chunk)
        result.downtimeIncidents = try await deleteInChunks(
            #"DELETE FROM service_downtime WHERE id IN (SELECT id FROM service_downtime WHERE resolved = 1 AND "end" < ? LIMIT ?)"#,
            cutoff: cutoff, chunk: chunk)
        result.restartEvents = try await deleteInChunks(
            "DELETE FROM restart_events WHERE id IN (SELECT id FROM restart_events WHERE time < ? LIMIT ?)",
            cutoff: cutoff, chunk: chunk)
        result.alerts = try await deleteInChunks(
            "DELETE FROM alert_history WHERE id IN (SELECT id FROM alert_history WHERE resolved < ? LIMIT ?)",
            cutoff: cutoff, chunk: chunk)
        result.pagesVacuumed = try await incrementalVacuum()
        return result
    }

    private func deleteInChunks(_ sql: String, cutoff: Int64, chunk: Int) async throws -> Int {
        var total = 0
        while true {
            try Task.checkCancellation()
            let deleted = try await database.write { db in
                try db.execute(sql: sql, arguments: [cutoff, chunk])
                return db.changesCount
            }
            total += deleted
            if deleted < chunk { return total }
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

import Foundation
import GRDB

/// Commits a batch of queued writes inside one transaction, deriving downtime incidents from
/// health events as it goes.
enum HealthHistoryWriter {
    /// Alert labels as stored: a JSON object with sorted keys.
    private static let labelEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    static func commit(_ batch: [PendingWrite], in db: Database) throws {
        guard !batch.isEmpty else { return }
        let insertEvent = try db.cachedStatement(sql: """
            INSERT INTO health_events
                (service, type, chain, healthy, cpu_percent, memory_bytes, disk_io_bytes_per_second, peers, synced,
                 error, time)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var openIncidents = try openDowntime(in: db)
        for write in batch {
            switch write {
            case .event(let event):
                let time = Milliseconds.from(event.time)
                try EventInsertion.insert(event, at: time, with: insertEvent, in: db)
                try trackDowntime(of: event, at: time, open: &openIncidents, in: db)
            case .restart(let restart):
                try db.execute(
                    sql: "INSERT INTO restart_events (time, service, reason, success) VALUES (?, ?, ?, ?)",
                    arguments: [Milliseconds.from(restart.time), restart.service, restart.reason, restart.success])
            case .alertFired(let alert):
                try db.execute(
                    sql: """
                        INSERT INTO alert_history (fingerprint, type, severity, service, message, fired, resolved, labels)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        alert.fingerprint, alert.type, alert.severity, alert.service, alert.message,
                        Milliseconds.from(alert.fired), alert.resolved.map(Milliseconds.from),
                        try alert.labels.map { String(decoding: try Self.labelEncoder.encode($0), as: UTF8.self) },
                    ])
            case .alertResolved(let fingerprint, let time):
                try db.execute(
                    sql: "UPDATE alert_history SET resolved = ? WHERE fingerprint = ? AND resolved IS NULL",
                    arguments: [Milliseconds.from(time), fingerprint])
            }
        }
    }

    /// The open incident of each service that has one: its row id and start.
    private static func openDowntime(in db: Database) throws -> [String: (id: Int64, start: Int64)] {
        var open: [String: (id: Int64, start: Int64)] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, service, start FROM service_downtime WHERE resolved = 0")
        while let row = try rows.next() {
            open[row["service"]] = (row["id"], row["start"])
        }
        return open
    }

    private static func trackDowntime(
        of event: HealthEvent, at time: Int64, open: inout [String: (id: Int64, start: Int64)], in db: Database
    ) throws {
        switch (event.healthy, open[event.service]) {
        case (false, nil):
            try db.execute(
                sql: "INSERT INTO service_downtime (service, start, reason, resolved) VALUES (?, ?, ?, 0)",
                arguments: [event.service, time, event.error ?? "\(event.type) check failed"])
            open[event.service] = (db.lastInsertedRowID, time)
        case (true, let incident?):
            let end = max(time, incident.start)
            try db.execute(
                sql: #"UPDATE service_downtime SET "end" = ?, duration = ?, resolved = 1 WHERE id = ?"#,
                arguments: [end, Double(end - incident.start) / 1000, incident.id])
            open[event.service] = nil
        default:
            break
        }
    }
}

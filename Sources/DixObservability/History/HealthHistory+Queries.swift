import Foundation
import GRDB

extension HealthHistory {
    /// Health events of `service` between `since` and `until`, the most recent `limit` of them in
    /// chronological order.
    public func events(of service: String, since: Date, until: Date? = nil, limit: Int = 1_000) async throws
        -> [HealthEvent]
    {
        let until = until ?? now()
        let newestFirst = try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT service, type, chain, healthy, cpu_percent, memory_bytes, disk_io_bytes_per_second, peers,
                           synced, error, time
                    FROM health_events WHERE service = ? AND time >= ? AND time <= ?
                    ORDER BY time DESC LIMIT ?
                    """,
                arguments: [service, Milliseconds.from(since), Milliseconds.from(until), max(0, limit)]
            ).map { row in
                HealthEvent(
                    service: row["service"], type: row["type"], chain: row["chain"], healthy: row["healthy"],
                    cpuPercent: row["cpu_percent"], memoryBytes: row["memory_bytes"],
                    diskIOBytesPerSecond: row["disk_io_bytes_per_second"], peers: row["peers"],
                    synced: row["synced"], error: row["error"], time: Milliseconds.date(row["time"]))
            }
        }
        return newestFirst.reversed()
    }

    /// Downtime incidents of `service` that overlap `since ... until`, oldest first.
    public func downtimeIncidents(of service: String, since: Date, until: Date? = nil) async throws
        -> [DowntimeIncident]
    {
        let until = until ?? now()
        return try await database.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT service, start, "end", reason FROM service_downtime
                    WHERE service = ? AND start <= ? AND ("end" IS NULL OR "end" >= ?)
                    ORDER BY start
                    """,
                arguments: [service, Milliseconds.from(until), Milliseconds.from(since)]
            ).map { row in
                DowntimeIncident(
                    service: row["service"], start: Milliseconds.date(row["start"]),
                    end: (row["end"] as Int64?).map(Milliseconds.date), reason: row["reason"])
            }
        }
    }

    /// The percentage of `since ... until` during which `service` was up.
    ///
    /// Computed from downtime incidents clipped to the range; an incident still open counts up to
    /// `until` (now by default). A service with no recorded downtime is 100 % up.
    public func uptime(of service: String, since: Date, until: Date? = nil) async throws -> Double {
        try await downtimeStatistics(of: service, since: since, until: until).uptimePercent
    }

    /// Incident count, total and longest downtime and mean time to recovery of `service` over the range.
    public func downtimeStatistics(of service: String, since: Date, until: Date? = nil) async throws
        -> DowntimeStatistics
    {
        let until = until ?? now()
        let incidents = try await downtimeIncidents(of: service, since: since, until: until)
        var total: TimeInterval = 0
        var longest: TimeInterval = 0
        var recoveries: [TimeInterval] = []
        var open = 0
        for incident in incidents {
            let start = max(incident.start, since)
            let end = min(incident.end ?? until, until)
            let clipped = max(0, end.timeIntervalSince(start))
            total += clipped
            longest = max(longest, clipped)
            if let recovered = incident.end, recovered <= until {
                recoveries.append(recovered.timeIntervalSince(incident.start))
            } else {
                open += 1
            }
        }
        let range = until.timeIntervalSince(since)
        let uptime = range > 0 ? max(0, min(100, 100 * (1 - total / range))) : 100
        return DowntimeStatistics(
            service: service, since: since, until: until, incidents: incidents.count, openIncidents: open,
            totalSeconds: total, longestSeconds: longest,
            meanTimeToRecoverySeconds: recoveries.isEmpty ? nil : recoveries.reduce(0, +) / Double(recoveries.count),
            uptimePercent: uptime)
    }

    /// Restarts since `since`, of one service or of all, the most recent `limit` in chronological order.
    public func restarts(of service: String? = nil, since: Date, until: Date? = nil, limit: Int = 1_000)
        async throws -> [RestartEvent]
    {
        try await newestRows(
            columns: "time, service, reason, success", table: "restart_events", timeColumn: "time",
            service: service, since: since, until: until, limit: limit
        ) { row in
            RestartEvent(
                service: row["service"], reason: row["reason"], success: row["success"],
                time: Milliseconds.date(row["time"]))
        }
    }

    /// Alerts fired since `since`, of one service or of all, the most recent `limit` in chronological order.
    public func alerts(of service: String? = nil, since: Date, until: Date? = nil, limit: Int = 1_000)
        async throws -> [AlertRecord]
    {
        try await newestRows(
            columns: Self.alertColumns, table: "alert_history", timeColumn: "fired", service: service, since: since,
            until: until, limit: limit, decode: Self.alertRecord)
    }

    /// The services with health events, sorted.
    public func services() async throws -> [String] {
        try await database.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT service FROM health_events ORDER BY service")
        }
    }

    /// Alerts recorded as firing and not resolved, oldest first: after a restart, those the
    /// previous process left firing.
    public func unresolvedAlerts() async throws -> [AlertRecord] {
        try await database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.alertColumns) FROM alert_history WHERE resolved IS NULL ORDER BY fired, id"
            ).map(Self.alertRecord)
        }
    }

    private static let alertColumns = "fingerprint, type, severity, service, message, fired, resolved, labels"

    @Sendable private static func alertRecord(_ row: Row) -> AlertRecord {
        AlertRecord(
            fingerprint: row["fingerprint"], type: row["type"], severity: row["severity"],
            service: row["service"], message: row["message"], fired: Milliseconds.date(row["fired"]),
            resolved: (row["resolved"] as Int64?).map(Milliseconds.date),
            labels: (row["labels"] as String?).flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) })
    }

    /// The newest `limit` rows of `table` whose `timeColumn` lies in `since...until` (now when
    /// nil), of one service or of all, returned oldest first.
    private func newestRows<Value: Sendable>(
        columns: String, table: String, timeColumn: String, service: String?, since: Date, until: Date?, limit: Int,
        decode: @escaping @Sendable (Row) -> Value
    ) async throws -> [Value] {
        var sql = "SELECT \(columns) FROM \(table) WHERE \(timeColumn) >= ? AND \(timeColumn) <= ?"
        var arguments: StatementArguments = [Milliseconds.from(since), Milliseconds.from(until ?? now())]
        if let service {
            sql += " AND service = ?"
            arguments += [service]
        }
        sql += " ORDER BY \(timeColumn) DESC LIMIT ?"
        arguments += [max(0, limit)]
        let query = sql
        let queryArguments = arguments
        let newestFirst = try await database.read { db in
            try Row.fetchAll(db, sql: query, arguments: queryArguments).map(decode)
        }
        return newestFirst.reversed()
    }
}

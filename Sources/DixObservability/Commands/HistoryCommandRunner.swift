import Foundation

/// The `dixctl history` subcommands as library functions: each takes the parsed arguments and
/// returns the text to print (a table, or JSON with `json: true`), so the ArgumentParser commands
/// only forward their options.
///
/// ```swift
/// let runner = try HistoryCommandRunner(databasePath: options.healthHistoryDB)
/// print(try await runner.uptime(service: "geth", since: "7d", json: options.json))
/// ```
///
/// Bad input throws ``HistoryCommandError`` (the CLI exits 2); a failed database operation throws
/// the database's error (exit 1).
public struct HistoryCommandRunner: Sendable {
    public let history: HealthHistory
    /// The moment relative times (`--since 7d`) are measured from.
    public let now: Date

    public init(history: HealthHistory, now: Date = Date()) {
        self.history = history
        self.now = now
    }

    /// Opens the health history database at `databasePath`; a missing file is bad input, not a
    /// reason to create an empty history.
    public init(databasePath: String, now: Date = Date()) throws {
        guard FileManager.default.fileExists(atPath: databasePath) else {
            throw HistoryCommandError(
                option: "--health-history-db", message: "no health history database at \(databasePath)")
        }
        self.init(history: try HealthHistory(path: databasePath, now: { now }), now: now)
    }

    /// `dixctl history events <service> [--since 24h] [--until T] [--limit 100] [--json]`
    public func events(service: String, since: String = "24h", until: String? = nil, limit: Int = 100,
                       json: Bool = false) async throws -> String {
        let range = try self.range(since: since, until: until)
        let limit = try positive(limit, option: "--limit")
        let events = try await history.events(of: service, since: range.since, until: range.until, limit: limit)
        if json { return try HistoryFormatting.json(events) }
        guard !events.isEmpty else { return "no health events of \(service) since \(HistoryFormatting.time(range.since))" }
        var rows = [["TIME", "TYPE", "HEALTHY", "CPU%", "MEMORY", "DISK I/O", "PEERS", "SYNCED", "ERROR"]]
        for event in events {
            rows.append([
                HistoryFormatting.time(event.time), event.type, event.healthy ? "yes" : "NO",
                event.cpuPercent.map { String(format: "%.1f", $0) } ?? "-",
                event.memoryBytes.map { HistoryFormatting.bytes(Double($0)) } ?? "-",
                event.diskIOBytesPerSecond.map { HistoryFormatting.bytes($0) + "/s" } ?? "-",
                event.peers.map(String.init) ?? "-", event.synced.map { $0 ? "yes" : "no" } ?? "-",
                event.error ?? "-",
            ])
        }
        return HistoryFormatting.table(rows)
    }

    /// `dixctl history uptime <service> [--since 7d] [--json]`
    public func uptime(service: String, since: String = "7d", until: String? = nil, json: Bool = false)
        async throws -> String
    {
        let range = try self.range(since: since, until: until)
        let statistics = try await history.downtimeStatistics(of: service, since: range.since, until: range.until)
        // A service never checked (or a misspelled name) has no uptime to report, not 100 %.
        let unknown = statistics.incidents == 0 ? try await neverRecorded(service, until: range.until) : nil
        if json {
            return try HistoryFormatting.json(UptimeReport(
                service: service, since: range.since, until: range.until,
                uptimePercent: unknown == nil ? statistics.uptimePercent : nil, downtimeSeconds: statistics.totalSeconds,
                incidents: statistics.incidents, note: unknown))
        }
        if let unknown { return "\(service): uptime unknown: \(unknown)" }
        return String(
            format: "%@: %.3f%% up since %@ (%d incident%@, %@ down)", service, statistics.uptimePercent,
            HistoryFormatting.time(range.since), statistics.incidents, statistics.incidents == 1 ? "" : "s",
            HistoryFormatting.duration(statistics.totalSeconds))
    }

    /// Why `service` has no uptime, when the history has no event of it at all.
    private func neverRecorded(_ service: String, until: Date) async throws -> String? {
        guard try await history.events(of: service, since: .distantPast, until: until, limit: 1).isEmpty else { return nil }
        let known = try await history.services()
        return "no health events of \(service)"
            + (known.isEmpty ? "" : " (services with history: \(known.joined(separator: ", ")))")
    }

    /// `dixctl history downtime <service> [--since 7d] [--json]`
    public func downtime(service: String, since: String = "7d", until: String? = nil, json: Bool = false)
        async throws -> String
    {
        let range = try self.range(since: since, until: until)
        let statistics = try await history.downtimeStatistics(of: service, since: range.since, until: range.until)
        let incidents = try await history.downtimeIncidents(of: service, since: range.since, until: range.until)
        if json { return try HistoryFormatting.json(DowntimeReport(statistics: statistics, incidents: incidents)) }
        var lines = [
            "service:                \(service)",
            "range:                  \(HistoryFormatting.time(range.since)) to \(HistoryFormatting.time(range.until))",
            "incidents:              \(statistics.incidents)"
                + (statistics.openIncidents > 0 ? " (\(statistics.openIncidents) open)" : ""),
            "total downtime:         \(HistoryFormatting.duration(statistics.totalSeconds))",
            "longest incident:       \(HistoryFormatting.duration(statistics.longestSeconds))",
            "mean time to recovery:  " + (statistics.meanTimeToRecoverySeconds.map(HistoryFormatting.duration) ?? "-"),
            String(format: "uptime:                 %.3f%%", statistics.uptimePercent),
        ]
        if !incidents.isEmpty {
            var rows = [["START", "END", "DURATION", "REASON"]]
            for incident in incidents {
                rows.append([
                    HistoryFormatting.time(incident.start), incident.end.map(HistoryFormatting.time) ?? "ongoing",
                    HistoryFormatting.duration(incident.duration(now: range.until)), incident.reason,
                ])
            }
            lines.append("")
            lines.append(HistoryFormatting.table(rows))
        }
        return lines.joined(separator: "\n")
    }

    /// `dixctl history restarts [<service>] [--since 7d] [--limit 100] [--json]`
    public func restarts(service: String? = nil, since: String = "7d", until: String? = nil, limit: Int = 100,
                         json: Bool = false) async throws -> String {
        let range = try self.range(since: since, until: until)
        let restarts = try await history.restarts(
            of: service, since: range.since, until: range.until, limit: try positive(limit, option: "--limit"))
        if json { return try HistoryFormatting.json(restarts) }
        guard !restarts.isEmpty else { return "no restarts since \(HistoryFormatting.time(range.since))" }
        var rows = [["TIME", "SERVICE", "RESULT", "REASON"]]
        for restart in restarts {
            rows.append([HistoryFormatting.time(restart.time), restart.service, restart.success ? "ok" : "FAILED",
                         restart.reason])
        }
        return HistoryFormatting.table(rows)
    }

    /// `dixctl history alerts [<service>] [--since 7d] [--limit 100] [--json]`
    public func alerts(service: String? = nil, since: String = "7d", until: String? = nil, limit: Int = 100,
                       json: Bool = false) async throws -> String {
        let range = try self.range(since: since, until: until)
        let alerts = try await history.alerts(
            of: service, since: range.since, until: range.until, limit: try positive(limit, option: "--limit"))
        if json { return try HistoryFormatting.json(alerts) }
        guard !alerts.isEmpty else { return "no alerts since \(HistoryFormatting.time(range.since))" }
        var rows = [["FIRED", "RESOLVED", "SEVERITY", "TYPE", "SERVICE", "MESSAGE"]]
        for alert in alerts {
            rows.append([
                HistoryFormatting.time(alert.fired), alert.resolved.map(HistoryFormatting.time) ?? "firing",
                alert.severity, alert.type, alert.service, alert.message,
            ])
        }
        return HistoryFormatting.table(rows)
    }

    /// `dixctl history purge --older-than 90d [--json]`
    public func purge(olderThan: String, json: Bool = false) async throws -> String {
        let cutoff = now.addingTimeInterval(-(try HistoryTimeParser.duration(olderThan, option: "--older-than")))
        let result = try await history.purge(olderThan: cutoff)
        if json { return try HistoryFormatting.json(PurgeReport(olderThan: cutoff, result: result)) }
        return "purged \(result.healthEvents) health events, \(result.downtimeIncidents) downtime incidents, "
            + "\(result.restartEvents) restarts and \(result.alerts) alerts older than "
            + "\(HistoryFormatting.time(cutoff)); \(result.pagesVacuumed) pages returned to the file system"
    }

    private func range(since: String, until: String?) throws -> (since: Date, until: Date) {
        let start = try HistoryTimeParser.date(since, now: now, option: "--since")
        let end = try until.map { try HistoryTimeParser.date($0, now: now, option: "--until") } ?? now
        guard start <= end else {
            throw HistoryCommandError(option: "--since", message: "\(since) is after --until \(until ?? "now")")
        }
        return (start, end)
    }

    private func positive(_ value: Int, option: String) throws -> Int {
        guard value > 0 else { throw HistoryCommandError(option: option, message: "must be at least 1, got \(value)") }
        return value
    }
}

extension HistoryCommandRunner {
    struct UptimeReport: Encodable {
        var service: String
        var since: Date
        var until: Date
        /// Nil when the service has no health events at all.
        var uptimePercent: Double?
        var downtimeSeconds: Double
        var incidents: Int
        var note: String?
    }

    struct DowntimeReport: Encodable {
        var statistics: DowntimeStatistics
        var incidents: [DowntimeIncident]
    }

    struct PurgeReport: Encodable {
        var olderThan: Date
        var result: PurgeResult
    }
}

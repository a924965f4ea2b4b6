import DixEngine
import DixObservability
import Foundation
import GRDB
import ServiceLifecycle
import Logging
import Testing

@Suite("Health history")
struct HealthHistoryTests {
    static let origin = Date(timeIntervalSince1970: 1_800_000_000)

    static func at(minutes: Double) -> Date { origin.addingTimeInterval(minutes * 60) }

    /// A history written before alerts kept their labels gains the column, and its alerts read
    /// back without labels.
    @Test func aHistoryFromBeforeAlertLabelsIsUpgraded() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("health.db").path
        let queue = try DatabaseQueue(path: path)
        _ = try HealthHistory(database: queue)
        try await queue.write { db in
            // As the previous version left it: no labels column, its migration not applied.
            try db.execute(sql: "ALTER TABLE alert_history DROP COLUMN labels")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'health-history-v2-alert-labels'")
            try db.execute(sql: """
                INSERT INTO alert_history (fingerprint, type, severity, service, message, fired)
                VALUES ('f1', 'service_down', 'critical', 'geth', 'geth is down', 1800000000000)
                """)
        }
        let history = try HealthHistory(database: queue)
        let left = try await history.unresolvedAlerts()
        #expect(left.map(\.fingerprint) == ["f1"])
        #expect(left.first?.labels == nil)
        history.recordAlertFired(AlertRecord(
            fingerprint: "f2", type: "circuit_open", severity: "warning", service: "geth", message: "open",
            fired: Self.origin, labels: ["breaker": "geth.http"]))
        try await history.flush()
        #expect(try await history.unresolvedAlerts().map(\.labels) == [nil, ["breaker": "geth.http"]])
    }

    @Test(arguments: HistoryBackend.allCases)
    func eventsOfAServiceInARangeWithALimit(backend: HistoryBackend) async throws {
        let history = try backend.open(now: { Self.at(minutes: 100) })
        for minute in 0..<60 {
            history.record(HealthEvent(
                service: "geth", type: "http", chain: "mainnet", healthy: minute % 10 != 0, cpuPercent: 12.5,
                memoryBytes: 1 << 30, diskIOBytesPerSecond: 2048, peers: 25, synced: true,
                error: minute % 10 == 0 ? "HTTP 503" : nil, time: Self.at(minutes: Double(minute))))
            history.record(HealthEvent(service: "nginx", type: "http", healthy: true, time: Self.at(minutes: Double(minute))))
        }
        try await history.flush()
        let events = try await history.events(of: "geth", since: Self.at(minutes: 10), until: Self.at(minutes: 40), limit: 5)
        #expect(events.map(\.time) == (36...40).map { Self.at(minutes: Double($0)) })
        #expect(events.allSatisfy { $0.service == "geth" && $0.chain == "mainnet" && $0.peers == 25 })
        #expect(events.last?.healthy == false)
        #expect(events.last?.error == "HTTP 503")
        #expect(events.first?.memoryBytes == 1 << 30)
        let all = try await history.events(of: "nginx", since: Self.origin)
        #expect(all.count == 60)
    }

    @Test(arguments: HistoryBackend.allCases)
    func everyFieldRoundTripsIncludingEmptyAndNonASCIIText(backend: HistoryBackend) async throws {
        let history = try backend.open(now: { Self.at(minutes: 10) })
        let full = HealthEvent(
            service: "nœud-ξ", type: "", chain: "", healthy: false, cpuPercent: 0.125, memoryBytes: Int64.max,
            diskIOBytesPerSecond: 1e12, peers: 0, synced: false, error: "timeout 🕐 after 5 s", time: Self.at(minutes: 1))
        let sparse = HealthEvent(service: "nœud-ξ", type: "process", healthy: true, time: Self.at(minutes: 2))
        history.record(full)
        history.record(sparse)
        try await history.flush()
        #expect(try await history.events(of: "nœud-ξ", since: Self.origin) == [full, sparse])
    }

    @Test(arguments: HistoryBackend.allCases)
    func uptimeIsComputedFromDowntimeClippedToTheRange(backend: HistoryBackend) async throws {
        let history = try backend.open(now: { Self.at(minutes: 120) })
        // Down from minute 10 to 40 (30 min), and again from minute 100, still down "now" at 120.
        let timeline: [(Double, Bool)] = [(0, true), (10, false), (20, false), (40, true), (60, true), (100, false)]
        for (minute, healthy) in timeline {
            history.record(HealthEvent(service: "geth", type: "http", healthy: healthy,
                                       error: healthy ? nil : "refused", time: Self.at(minutes: minute)))
        }
        try await history.flush()
        // Whole range 0...120: 30 + 20 minutes down of 120.
        let whole = try await history.uptime(of: "geth", since: Self.origin)
        #expect(abs(whole - 100 * (1 - 50.0 / 120)) < 1e-9)
        // From minute 30: the first incident is clipped to 10 minutes, plus the open 20.
        let clipped = try await history.uptime(of: "geth", since: Self.at(minutes: 30))
        #expect(abs(clipped - 100 * (1 - 30.0 / 90)) < 1e-9)
        // A service with no downtime is fully up.
        #expect(try await history.uptime(of: "nginx", since: Self.origin) == 100)

        let statistics = try await history.downtimeStatistics(of: "geth", since: Self.origin)
        #expect(statistics.incidents == 2)
        #expect(statistics.openIncidents == 1)
        #expect(abs(statistics.totalSeconds - 50 * 60) < 0.001)
        #expect(abs(statistics.longestSeconds - 30 * 60) < 0.001)
        #expect(abs((statistics.meanTimeToRecoverySeconds ?? 0) - 30 * 60) < 0.001)
        let incidents = try await history.downtimeIncidents(of: "geth", since: Self.origin)
        #expect(incidents.map(\.reason) == ["refused", "refused"])
        #expect(incidents.map(\.resolved) == [true, false])
    }

    @Test(arguments: HistoryBackend.allCases)
    func restartsAndAlertsAreKept(backend: HistoryBackend) async throws {
        let history = try backend.open(now: { Self.at(minutes: 60) })
        history.recordRestart(RestartEvent(service: "geth", reason: "3 failed checks", success: true, time: Self.at(minutes: 5)))
        history.recordRestart(RestartEvent(service: "nginx", reason: "manual", success: false, time: Self.at(minutes: 6)))
        history.recordAlertFired(AlertRecord(
            fingerprint: "abc", type: "high_cpu", severity: "warning", service: "geth", message: "CPU 91%",
            fired: Self.at(minutes: 7)))
        history.recordAlertResolved(fingerprint: "abc", at: Self.at(minutes: 9))
        history.recordAlertFired(AlertRecord(
            fingerprint: "def", type: "service_down", severity: "critical", service: "nginx", message: "down",
            fired: Self.at(minutes: 8)))
        try await history.flush()
        #expect(try await history.restarts(since: Self.origin).map(\.service) == ["geth", "nginx"])
        #expect(try await history.restarts(of: "nginx", since: Self.origin).map(\.success) == [false])
        let alerts = try await history.alerts(since: Self.origin)
        #expect(alerts.map(\.fingerprint) == ["abc", "def"])
        #expect(alerts[0].resolved == Self.at(minutes: 9))
        #expect(alerts[1].resolved == nil)
        #expect(try await history.alerts(of: "nginx", since: Self.origin).count == 1)
    }

    @Test(arguments: HistoryBackend.allCases)
    func purgeRemovesOldDataButKeepsOpenIncidentsAndFiringAlerts(backend: HistoryBackend) async throws {
        let history = try backend.open(configuration: .init(purgeChunkSize: 7), now: { Self.at(minutes: 2000) })
        for minute in 0..<100 {
            history.record(HealthEvent(service: "a", type: "http", healthy: minute != 3, time: Self.at(minutes: Double(minute))))
        }
        history.record(HealthEvent(service: "b", type: "http", healthy: false, time: Self.at(minutes: 1)))
        history.recordRestart(RestartEvent(service: "a", reason: "r", success: true, time: Self.at(minutes: 2)))
        history.recordAlertFired(AlertRecord(fingerprint: "old", type: "high_cpu", severity: "warning", service: "a",
                                             message: "m", fired: Self.at(minutes: 1), resolved: Self.at(minutes: 2)))
        history.recordAlertFired(AlertRecord(fingerprint: "firing", type: "service_down", severity: "critical",
                                             service: "b", message: "m", fired: Self.at(minutes: 1)))
        try await history.flush()
        let result = try await history.purge(olderThan: Self.at(minutes: 50))
        #expect(result.healthEvents == 51)
        #expect(result.downtimeIncidents == 1)
        #expect(result.restartEvents == 1)
        #expect(result.alerts == 1)
        #expect(try await history.events(of: "a", since: Self.origin).count == 50)
        #expect(try await history.downtimeIncidents(of: "b", since: Self.origin).count == 1)
        #expect(try await history.alerts(since: Self.origin).map(\.fingerprint) == ["firing"])
    }

    @Test func ownDatabaseFileUsesWALAndIncrementalVacuum() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("health.db").path
        let history = try HealthHistory(path: path, now: { Self.at(minutes: 10_000) })
        let (journal, autoVacuum) = try await history.database.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA auto_vacuum"))
        }
        #expect(journal == "wal")
        #expect(autoVacuum == 2)
        let padding = String(repeating: "x", count: 500)
        for index in 0..<5_000 {
            history.record(HealthEvent(service: "s\(index % 10)", type: "http", healthy: true, error: padding,
                                       time: Self.at(minutes: Double(index) / 100)))
        }
        try await history.flush()
        let result = try await history.purge(olderThan: Self.at(minutes: 1_000))
        #expect(result.healthEvents == 5_000)
        #expect(result.pagesVacuumed > 100)
    }

    @Test func theHistoryCanShareTheEnginesDatabaseFile() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("state.db").path
        _ = try WorkflowClient(databasePath: path, registry: WorkflowRegistry())
        let history = try HealthHistory(path: path)
        history.record(HealthEvent(service: "node", type: "http", healthy: true, time: Self.at(minutes: 1)))
        try await history.flush()
        // The history's migration is not taken for a newer engine's.
        let client = try WorkflowClient(databasePath: path, registry: WorkflowRegistry())
        #expect(try await client.list().isEmpty)
        #expect(try await HealthHistory(path: path).events(of: "node", since: Self.origin, until: Self.at(minutes: 2)).count == 1)
    }

    @Test func historySurvivesReopeningAndAnOpenIncidentContinues() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("health.db").path
        do {
            let history = try HealthHistory(path: path)
            history.record(HealthEvent(service: "geth", type: "http", healthy: false, error: "down", time: Self.at(minutes: 0)))
            try await history.flush()
        }
        let reopened = try HealthHistory(path: path, now: { Self.at(minutes: 60) })
        reopened.record(HealthEvent(service: "geth", type: "http", healthy: true, time: Self.at(minutes: 30)))
        try await reopened.flush()
        let statistics = try await reopened.downtimeStatistics(of: "geth", since: Self.origin)
        #expect(statistics.incidents == 1)
        #expect(abs(statistics.totalSeconds - 30 * 60) < 0.001)
        #expect(abs(statistics.uptimePercent - 50) < 1e-6)
    }

    @Test func theWriterServiceCommitsEverythingRecordedBeforeShutdown() async throws {
        let history = try HistoryBackend.file.open(now: { Self.at(minutes: 100) })
        let group = ServiceGroup(services: [history], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for index in 0..<10_000 {
                history.record(HealthEvent(service: "svc-\(index % 10)", type: "http", healthy: true,
                                           time: Self.at(minutes: Double(index) / 1000)))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(history.queuedWrites == 0)
        #expect(try await history.events(of: "svc-3", since: Self.origin, limit: 100_000).count == 1_000)
    }

    @Test func historyTablesCanLiveInTheEnginesDatabase() async throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("state.db").path
        let engine = try DatabasePool(path: path)
        try await engine.write { db in
            try db.execute(sql: "CREATE TABLE runs (id TEXT PRIMARY KEY, status TEXT NOT NULL)")
            try db.execute(sql: "INSERT INTO runs VALUES ('run-1', 'running')")
        }
        let history = try HealthHistory(database: engine, now: { Self.at(minutes: 10) })
        history.record(HealthEvent(service: "geth", type: "http", healthy: false, time: Self.at(minutes: 0)))
        try await history.flush()
        #expect(try await history.downtimeIncidents(of: "geth", since: Self.origin).count == 1)
        let runs = try await engine.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") }
        #expect(runs == 1)
        // Opening again finds the tables migrated and leaves them be.
        _ = try HealthHistory(database: engine)
        #expect(try await history.events(of: "geth", since: Self.origin).count == 1)
    }

    @Test func openingAnUnwritablePathIsAClearError() {
        #expect(throws: HealthHistoryError.self) {
            try HealthHistory(path: "/proc/definitely/not/here/health.db")
        }
    }
}

import DixObservability
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// The observability goals of issue #6: a /metrics scrape of 100 services under 5 ms, health
/// history writes at 100,000 events/s or more, an uptime query over 1,000,000 events under
/// 10 ms, and about 100 bytes per event on disk.
extension DixBench {
    static func observabilityWorkloads() async throws -> [Measurement] {
        [try metricsScrape(services: 100, scrapes: 200)] + (try await healthHistory(events: scaled(1_000_000), services: 100))
    }

    /// What `GET /metrics` does (render the registry) with the series of `services` monitored
    /// services, recorded through the same calls a monitor round makes.
    static func metricsScrape(services: Int, scrapes: Int) throws -> Measurement {
        let factory = try MetricsBootstrap.makeFactory()
        let metrics = ServiceMetrics(factory: factory)
        for index in 0..<services {
            let service = "service-\(index)"
            metrics.recordHealth(service: service, healthy: index % 7 != 0)
            metrics.recordResources(
                service: service, cpuPercent: Double(index % 100), memoryBytes: Int64(index) << 24,
                diskReadBytesPerSecond: Double(index * 1024), diskWriteBytesPerSecond: Double(index * 2048))
            metrics.recordNode(service: service, synced: true, peers: index % 50, blocksBehind: index % 4)
            metrics.recordRestart(service: service)
            metrics.recordDependencyWait(service: service, dependency: "db", waited: .milliseconds(index), timedOut: false)
        }
        var bytes = 0
        var latencies: [Double] = []
        let start = ContinuousClock.now
        for _ in 0..<scrapes {
            let scrapeStart = ContinuousClock.now
            bytes = factory.registry.emitToBuffer().count
            latencies.append(seconds(ContinuousClock.now - scrapeStart))
        }
        var measurement = Measurement(
            workload: "6. /metrics scrape of \(services) services", synchronous: "-", count: scrapes, unit: "scrapes",
            seconds: seconds(ContinuousClock.now - start), latencies: latencies)
        measurement.detail = "\(bytes) bytes per scrape; goal: under 5 ms"
        return measurement
    }

    /// Health history: `events` events from `services` services recorded from the caller's side
    /// and committed in batches, then uptime queries over them, then the size on disk.
    static func healthHistory(events: Int, services: Int) async throws -> [Measurement] {
        let path = (try scratchDatabase() as NSString).deletingLastPathComponent + "/health.db"
        let origin = Date(timeIntervalSince1970: 1_800_000_000)
        let end = origin.addingTimeInterval(Double(events / services) * 15)
        let history = try HealthHistory(path: path, configuration: .init(retentionDays: 0), logger: logger, now: { end })
        let group = ServiceGroup(services: [history], logger: logger)
        let writeSeconds = try await timed {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                for index in 0..<events {
                    // A check every 15 s per service; each service fails one check in 200.
                    let service = index % services
                    let round = index / services
                    let failed = (round + service) % 200 == 0
                    history.record(HealthEvent(
                        service: "service-\(service)", type: "http", healthy: !failed, cpuPercent: Double(index % 100),
                        memoryBytes: Int64(index % 4096) << 20, diskIOBytesPerSecond: Double(index % 10_000),
                        peers: index % 50, synced: true, error: failed ? "HTTP 503" : nil,
                        time: origin.addingTimeInterval(Double(round) * 15)))
                }
                // Graceful shutdown commits what is still queued.
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        var writes = Measurement(
            workload: "7. health history writes", synchronous: "NORMAL", count: events, unit: "events", seconds: writeSeconds)
        try await history.database.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        let size = try await history.database.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        writes.detail = "\(size / max(1, events)) bytes/event on disk; goals: 100,000 events/s, about 100 bytes/event"

        let queries = 200
        var latencies: [Double] = []
        let querySeconds = try await timed {
            for round in 0..<queries {
                let start = ContinuousClock.now
                _ = try await history.uptime(of: "service-\(round % services)", since: origin)
                latencies.append(seconds(ContinuousClock.now - start))
            }
        }
        var uptime = Measurement(
            workload: "8. uptime query over \(events) events", synchronous: "-", count: queries, unit: "queries",
            seconds: querySeconds, latencies: latencies)
        uptime.detail = "goal: under 10 ms"
        try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
        return [writes, uptime]
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

import DixObservability
import Foundation
import GRDB
import Logging
import ServiceLifecycle
import Testing

/// The health history speed and size figures, measured on demand (`DIX_MEASURE=1`); speed goals are
/// benchmarks, so this prints figures and checks only that the work was done.
@Suite("Health history measurement")
struct HealthHistoryMeasurement {
    static let enabled = ProcessInfo.processInfo.environment["DIX_MEASURE"] == "1"

    @Test(.enabled(if: enabled, "set DIX_MEASURE=1 to measure history throughput, query time and size"))
    func throughputQueryTimeAndSize() async throws {
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("health.db").path
        let origin = Date(timeIntervalSince1970: 1_800_000_000)
        let eventCount = 1_000_000
        let services = 100
        let history = try HealthHistory(path: path, configuration: .init(retentionDays: 0),
                                        now: { origin.addingTimeInterval(Double(eventCount) / 100 * 15) })
        let group = ServiceGroup(services: [history], logger: Logger(label: "measure"))
        let clock = ContinuousClock()
        var recordTime = Duration.zero
        let total = try await clock.measure {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                recordTime = clock.measure {
                    for index in 0..<eventCount {
                        // A check every 15 s per service; every service fails 1 check in 200.
                        let service = index % services
                        let round = index / services
                        history.record(HealthEvent(
                            service: "service-\(service)", type: "http", healthy: (round + service) % 200 != 0,
                            cpuPercent: Double(index % 100), memoryBytes: Int64(index % 4096) << 20,
                            diskIOBytesPerSecond: Double(index % 10_000), peers: index % 50, synced: true,
                            error: (round + service) % 200 == 0 ? "HTTP 503" : nil,
                            time: origin.addingTimeInterval(Double(round) * 15)))
                    }
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        let perSecond = Double(eventCount) / (Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18)
        try await history.database.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
        let pages = try await history.database.read { db in
            (try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0) * (try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
        }
        let rounds = 200
        var uptime = 0.0
        let queryTime = try await clock.measure {
            for round in 0..<rounds {
                uptime = try await history.uptime(of: "service-\(round % services)", since: origin)
            }
        }
        let purgeStart = clock.now
        let purged = try await history.purge(olderThan: origin.addingTimeInterval(Double(eventCount) / 100 * 15 / 2))
        let purgeTime = clock.now - purgeStart
        print("""
            health history: \(eventCount) events recorded in \(recordTime) (caller side), committed in \(total): \
            \(Int(perSecond)) events/s; uptime query over \(eventCount) events: \(queryTime / rounds) \
            (uptime \(uptime) %); database \(pages) bytes = \(pages / eventCount) bytes/event; \
            purge of \(purged.healthEvents) events and incremental vacuum of \(purged.pagesVacuumed) pages: \(purgeTime)
            """)
        #expect(purged.healthEvents == eventCount / 2)
        #expect(uptime < 100)
    }
}

import DixEngine
import Foundation
import GRDB
import Logging
import ServiceLifecycle

/// Persistent health history in SQLite: health check results, downtime incidents, restarts and alerts.
///
/// Recording never waits for the database: ``record(_:)`` queues the event and the writer, run as a
/// `Service`, commits everything queued in one transaction. Downtime incidents are derived from the
/// events as they are written: the first failed check opens one, the next passing check closes it.
/// Queries read committed data; call ``flush()`` first to include what is still queued.
///
/// ```swift
/// let history = try HealthHistory(path: "/var/lib/dixmgr/health.db")
/// // in the daemon's ServiceGroup: services: [history, ...]
/// history.record(HealthEvent(service: "geth", type: "http", healthy: false, error: "connection refused"))
/// let uptime = try await history.uptime(of: "geth", since: Date().addingTimeInterval(-7 * 86_400))
/// ```
public final class HealthHistory: Service, Sendable {
    /// Retention and timing settings.
    public struct Configuration: Sendable {
        /// Data older than this many days is purged; 30 by default, 0 keeps everything.
        public var retentionDays: Int
        /// How often the retention purge runs while ``run()`` is running; daily by default.
        public var purgeInterval: Duration
        /// Rows deleted per transaction during a purge, so writers are never held up for long.
        public var purgeChunkSize: Int
        /// Times the wait between purges.
        public var clock: any Clock<Duration>

        public init(
            retentionDays: Int = 30, purgeInterval: Duration = .seconds(86_400), purgeChunkSize: Int = 5_000,
            clock: any Clock<Duration> = ContinuousClock()
        ) {
            self.retentionDays = retentionDays
            self.purgeInterval = purgeInterval
            self.purgeChunkSize = purgeChunkSize
            self.clock = clock
        }
    }

    /// The file name of a history database of its own, beside the engine's state database.
    public static let defaultFileName = "health-history.db"

    /// The database holding the history tables: the history's own file or the engine's.
    public let database: any DatabaseWriter
    public let configuration: Configuration
    let pending = PendingWrites()
    let now: @Sendable () -> Date
    let logger: Logger

    /// Opens (creating if needed) a history database file of its own, in WAL mode.
    ///
    /// Commits use `synchronous=NORMAL`: a power cut may lose the last moments of history, never
    /// corrupt it, and recording stays fast.
    public convenience init(
        path: String, configuration: Configuration = Configuration(), logger: Logger = Logger(label: "dixmgr.history"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        var databaseConfiguration = GRDB.Configuration()
        // Several dixmgr and dixctl processes may open the file at once.
        databaseConfiguration.busyMode = .timeout(10)
        databaseConfiguration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let pool: DatabasePool
        do {
            pool = try SharedDatabaseFile.openPool(path: path, configuration: databaseConfiguration)
        } catch {
            throw HealthHistoryError(message: "cannot open health history database \(path): \(error)")
        }
        try self.init(database: pool, configuration: configuration, logger: logger, now: now)
    }

    /// Uses an open database, for instance the engine's, adding the history tables to it.
    public init(
        database: any DatabaseWriter, configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "dixmgr.history"), now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        self.database = database
        self.configuration = configuration
        self.logger = logger
        self.now = now
        do {
            try HealthHistorySchema.prepare(database)
        } catch {
            throw HealthHistoryError(message: "cannot prepare health history tables: \(error)")
        }
    }

    /// An in-memory history, for tests and dry runs.
    public static func inMemory(configuration: Configuration = Configuration(),
                                now: @escaping @Sendable () -> Date = { Date() }) throws -> HealthHistory {
        try HealthHistory(database: DatabaseQueue(), configuration: configuration, now: now)
    }

    // MARK: Recording (never blocks on the database)

    /// Queues a health check result.
    public func record(_ event: HealthEvent) {
        pending.append(.event(event))
    }

    /// Queues a restart.
    public func recordRestart(_ restart: RestartEvent) {
        pending.append(.restart(restart))
    }

    /// Queues an alert that started firing.
    public func recordAlertFired(_ alert: AlertRecord) {
        pending.append(.alertFired(alert))
    }

    /// Queues the resolution of the firing alert with this fingerprint.
    public func recordAlertResolved(fingerprint: String, at time: Date) {
        pending.append(.alertResolved(fingerprint: fingerprint, at: time))
    }

    /// Writes not yet committed.
    public var queuedWrites: Int { pending.count }

    /// Commits everything queued so far.
    ///
    /// The write runs in a task of its own so that cancelling the caller cannot interrupt a
    /// commit halfway and lose the batch; a batch whose transaction fails is queued again.
    public func flush() async throws {
        let database = self.database
        let pending = self.pending
        try await Task {
            try await database.write { db in
                let batch = pending.takeAll()
                do {
                    try HealthHistoryWriter.commit(batch, in: db)
                } catch {
                    pending.requeue(batch)
                    throw error
                }
            }
        }.value
    }

    // MARK: Service

    /// Runs the batch writer and the periodic retention purge until graceful shutdown or
    /// cancellation, then commits what is still queued.
    public func run() async throws {
        let pending = self.pending
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Ends only by cancellation, once the writer below has stopped.
                    try? await self.runRetention()
                }
                // The writer ends when shutdown finishes its wake-ups, or on cancellation.
                for await _ in pending.signals {
                    do {
                        try await self.flush()
                    } catch {
                        self.logger.error("cannot write health history", metadata: ["error": "\(error)"])
                        // The batch was queued again; give a full disk or a lock holder a moment.
                        try? await Task.sleep(for: .seconds(1))
                    }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            pending.finish()
        }
        try await flush()
    }

    private func runRetention() async throws {
        guard configuration.retentionDays > 0 else { return }
        while !Task.isCancelled {
            do {
                let cutoff = now().addingTimeInterval(-Double(configuration.retentionDays) * 86_400)
                let result = try await purge(olderThan: cutoff)
                logger.info("purged health history", metadata: ["rows": "\(result.totalRows)"])
            } catch is CancellationError {
                return
            } catch {
                logger.error("health history purge failed", metadata: ["error": "\(error)"])
            }
            try await configuration.clock.sleep(for: configuration.purgeInterval)
        }
    }
}

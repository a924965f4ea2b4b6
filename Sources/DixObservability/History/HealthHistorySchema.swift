import DixEngine
import GRDB

/// The history tables and their indexes, created by a GRDB migrator so a database written by an
/// older version is brought up to date.
enum HealthHistorySchema {
    static func prepare(_ database: any DatabaseWriter) throws {
        try database.writeWithoutTransaction { db in
            // Incremental auto-vacuum lets the purge hand freed pages back without a full VACUUM.
            // It can only be chosen before the first table is created, so a shared engine
            // database keeps whatever it has. In WAL mode the header is already written, so the
            // change takes a VACUUM, instant on an empty file.
            if try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") == 0 {
                try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                try db.execute(sql: "VACUUM")
            }
        }
        var migrator = DatabaseMigrator()
        migrator.registerMigration("health-history-v1") { db in
            try db.execute(sql: """
                CREATE TABLE health_events (
                    id INTEGER PRIMARY KEY,
                    service TEXT NOT NULL,
                    type TEXT NOT NULL,
                    chain TEXT,
                    healthy INTEGER NOT NULL,
                    cpu_percent REAL,
                    memory_bytes INTEGER,
                    disk_io_bytes_per_second REAL,
                    peers INTEGER,
                    synced INTEGER,
                    error TEXT,
                    time INTEGER NOT NULL
                );
                CREATE INDEX health_events_service_time ON health_events(service, time);

                CREATE TABLE service_downtime (
                    id INTEGER PRIMARY KEY,
                    service TEXT NOT NULL,
                    start INTEGER NOT NULL,
                    "end" INTEGER,
                    duration REAL,
                    reason TEXT NOT NULL,
                    resolved INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX service_downtime_service_start ON service_downtime(service, start);
                CREATE INDEX service_downtime_open ON service_downtime(service) WHERE resolved = 0;

                CREATE TABLE restart_events (
                    id INTEGER PRIMARY KEY,
                    time INTEGER NOT NULL,
                    service TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    success INTEGER NOT NULL
                );
                CREATE INDEX restart_events_service_time ON restart_events(service, time);
                CREATE INDEX restart_events_time ON restart_events(time);

                CREATE TABLE alert_history (
                    id INTEGER PRIMARY KEY,
                    fingerprint TEXT NOT NULL,
                    type TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    service TEXT NOT NULL,
                    message TEXT NOT NULL,
                    fired INTEGER NOT NULL,
                    resolved INTEGER
                );
                CREATE INDEX alert_history_service_fired ON alert_history(service, fired);
                CREATE INDEX alert_history_fired ON alert_history(fired);
                CREATE INDEX alert_history_open ON alert_history(fingerprint) WHERE resolved IS NULL;
                """)
        }
        // Alerts keep their extra labels, so that one taken over after a restart resolves with
        // the fingerprint it fired with.
        migrator.registerMigration("health-history-v2-alert-labels") { db in
            try db.execute(sql: "ALTER TABLE alert_history ADD COLUMN labels TEXT")
        }
        try migrator.migrateSharedFile(database)
    }
}

import DixEngine
import DixServices
import Foundation
import TOMLKit

extension DixmgrConfig {
    /// Reads and validates a TOML configuration file. Unknown keys and wrong types are errors
    /// that name the file, line and key.
    public static func load(path: String) throws -> DixmgrConfig {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: nil, message: "cannot read the file (missing or not readable)")
        }
        return try parse(String(decoding: data, as: UTF8.self), file: path)
    }

    /// Parses TOML text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws -> DixmgrConfig {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, message: "invalid TOML: \(error.description)")
        }
        var config = DixmgrConfig()
        let reader = ConfigReader(file: file, text: text)
        try reader.onlyKeys(["engine", "log", "services", "metrics", "health_history", "alerts", "monitor"], in: table, section: nil)
        if let engine = try reader.table("engine", in: table, section: nil) {
            try reader.onlyKeys(
                ["state_path", "synchronous", "lease_seconds", "shutdown_grace_seconds", "history_warning_events",
                 "history_limit_events", "retention_days", "maximum_concurrent_runs", "activity_concurrency"],
                in: engine, section: "engine")
            config.statePath = try reader.string("state_path", in: engine, section: "engine") ?? config.statePath
            config.synchronous = try reader.string("synchronous", in: engine, section: "engine", oneOf: ["full", "normal"]) ?? config.synchronous
            config.leaseSeconds = try reader.number("lease_seconds", in: engine, section: "engine", minimum: 1) ?? config.leaseSeconds
            config.shutdownGraceSeconds = try reader.number("shutdown_grace_seconds", in: engine, section: "engine", minimum: 0) ?? config.shutdownGraceSeconds
            config.historyWarningEvents = try reader.integer("history_warning_events", in: engine, section: "engine", minimum: 1) ?? config.historyWarningEvents
            config.historyLimitEvents = try reader.integer(
                "history_limit_events", in: engine, section: "engine", minimum: 1, maximum: SQLiteStore.maximumHistoryLimit) ?? config.historyLimitEvents
            config.retentionDays = try reader.number("retention_days", in: engine, section: "engine", minimum: 0) ?? config.retentionDays
            config.maximumConcurrentRuns = try reader.integer("maximum_concurrent_runs", in: engine, section: "engine", minimum: 1) ?? config.maximumConcurrentRuns
            if let limits = try reader.table("activity_concurrency", in: engine, section: "engine") {
                for key in limits.keys {
                    config.activityConcurrency[key] = try reader.integer(key, in: limits, section: "engine.activity_concurrency", minimum: 1)
                }
            }
            if config.historyWarningEvents > config.historyLimitEvents {
                throw ConfigError(
                    file: file, line: reader.line(of: "history_warning_events", section: "engine"),
                    message: "[engine] history_warning_events (\(config.historyWarningEvents)) must not exceed history_limit_events (\(config.historyLimitEvents))")
            }
        }
        if let services = try reader.table("services", in: table, section: nil) {
            config.services = try parseServices(services, reader: reader)
        }
        if let metrics = try reader.table("metrics", in: table, section: nil) {
            config.metrics = try parseMetrics(metrics, reader: reader)
        }
        if let history = try reader.table("health_history", in: table, section: nil) {
            try parseHealthHistory(history, reader: reader, into: &config)
        }
        if let alerts = try reader.table("alerts", in: table, section: nil) {
            config.alerts = try parseAlerts(alerts, reader: reader)
        }
        config.monitors = try parseMonitors(reader.tableArray("monitor", in: table, section: nil), reader: reader)
        if let log = try reader.table("log", in: table, section: nil) {
            try reader.onlyKeys(["level"], in: log, section: "log")
            config.logLevel = try reader.string(
                "level", in: log, section: "log", oneOf: ["trace", "debug", "info", "notice", "warning", "error", "critical"]) ?? config.logLevel
        }
        return config
    }
}

extension DixmgrConfig {
    fileprivate static func parseServices(_ table: TOMLTable, reader: ConfigReader) throws -> ServicesConfig {
        let section = "services"
        try reader.onlyKeys(
            ["process_manager", "mode", "systemctl", "journalctl", "units", "state_directory", "direct"], in: table, section: section)
        var services = ServicesConfig()
        if let kind = try reader.string("process_manager", in: table, section: section, oneOf: ["systemd", "direct"]) {
            services.processManager = ProcessManagerKind(rawValue: kind)!
        }
        if let mode = try reader.string("mode", in: table, section: section, oneOf: ["watch", "execute"]) {
            services.mode = ServiceManagerMode(rawValue: mode)!
        }
        services.systemctl = try reader.strings("systemctl", in: table, section: section, nonEmpty: true) ?? services.systemctl
        services.journalctl = try reader.strings("journalctl", in: table, section: section, nonEmpty: true) ?? services.journalctl
        services.units = try reader.strings("units", in: table, section: section) ?? []
        services.stateDirectory = try reader.string("state_directory", in: table, section: section) ?? services.stateDirectory
        for (index, definition) in try reader.tableArray("direct", in: table, section: section).enumerated() {
            let reader = reader.inside("services.direct", entry: index)
            let place = "services.direct"
            try reader.onlyKeys(
                ["name", "command", "arguments", "working_directory", "environment", "user", "group", "restart",
                 "restart_delay_seconds", "maximum_restarts", "stop_grace_seconds", "log_maximum_bytes", "log_files_kept"],
                in: definition, section: place)
            guard let name = try reader.string("name", in: definition, section: place) else {
                throw reader.fail("direct", section, "every [[services.direct]] needs a name")
            }
            guard let command = try reader.string("command", in: definition, section: place) else {
                throw reader.fail("name", place, "service \(name) needs a command")
            }
            var service = DirectServiceDefinition(name: name, executable: command)
            service.arguments = try reader.strings("arguments", in: definition, section: place) ?? []
            service.workingDirectory = try reader.string("working_directory", in: definition, section: place)
            if let environment = try reader.table("environment", in: definition, section: place) {
                for key in environment.keys {
                    guard let value = environment[key]?.string else {
                        throw reader.fail(key, "\(place).environment", "environment values must be strings")
                    }
                    service.environment[key] = value
                }
            }
            service.user = try reader.string("user", in: definition, section: place)
            service.group = try reader.string("group", in: definition, section: place)
            if let restart = try reader.string("restart", in: definition, section: place, oneOf: ["never", "on-failure", "always"]) {
                service.restartPolicy = RestartPolicy(rawValue: restart)!
            }
            if let delay = try reader.number("restart_delay_seconds", in: definition, section: place, minimum: 0) {
                service.restartDelay = .seconds(delay)
            }
            if let maximum = try reader.integer("maximum_restarts", in: definition, section: place, minimum: 0) {
                service.maximumRestarts = maximum
            }
            if let grace = try reader.number("stop_grace_seconds", in: definition, section: place, minimum: 0) {
                service.stopGracePeriod = .seconds(grace)
            }
            service.logMaximumBytes = try reader.integer("log_maximum_bytes", in: definition, section: place, minimum: 1) ?? service.logMaximumBytes
            service.logFilesKept = try reader.integer("log_files_kept", in: definition, section: place, minimum: 0) ?? service.logFilesKept
            do {
                try service.validate()
            } catch {
                throw ConfigError(file: reader.file, line: reader.line(of: "name", section: place), message: "[[services.direct]] \(name): \(error)")
            }
            if services.direct.contains(where: { $0.name == name }) {
                throw ConfigError(file: reader.file, line: nil, message: "[[services.direct]] \(name) is defined twice")
            }
            services.direct.append(service)
        }
        return services
    }
}

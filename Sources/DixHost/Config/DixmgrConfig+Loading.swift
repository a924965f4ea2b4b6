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
        let reader = Reader(file: file, text: text)
        try reader.onlyKeys(["engine", "log", "services"], in: table, section: nil)
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
            config.historyLimitEvents = try reader.integer("history_limit_events", in: engine, section: "engine", minimum: 1) ?? config.historyLimitEvents
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
        if let log = try reader.table("log", in: table, section: nil) {
            try reader.onlyKeys(["level"], in: log, section: "log")
            config.logLevel = try reader.string(
                "level", in: log, section: "log", oneOf: ["trace", "debug", "info", "notice", "warning", "error", "critical"]) ?? config.logLevel
        }
        return config
    }
}

extension DixmgrConfig {
    fileprivate static func parseServices(_ table: TOMLTable, reader: Reader) throws -> ServicesConfig {
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
        guard let direct = table["direct"] else { return services }
        guard let entries = direct.array else { throw reader.fail("direct", section, "expected [[services.direct]] tables") }
        for entry in entries {
            guard let definition = entry.table else { throw reader.fail("direct", section, "expected [[services.direct]] tables") }
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

/// Typed, located access to a parsed TOML document.
fileprivate struct Reader {
    let file: String
    let lines: [Substring]

    init(file: String, text: String) {
        self.file = file
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The line of `key` inside `[section]` (1-based), found in the source text.
    func line(of key: String, section: String?) -> Int? {
        var current: String?
        for (index, raw) in lines.enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") {
                current = line.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
                if current == key.trimmingCharacters(in: .whitespaces) && section == nil { return index + 1 }
                if let section, current == "\(section).\(key)" { return index + 1 }
                continue
            }
            guard current == section, let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
            if name == key { return index + 1 }
        }
        return nil
    }

    func fail(_ key: String, _ section: String?, _ message: String) -> ConfigError {
        let place = section.map { "[\($0)] \(key)" } ?? key
        return ConfigError(file: file, line: line(of: key, section: section), message: "\(place): \(message)")
    }

    func onlyKeys(_ allowed: Set<String>, in table: TOMLTable, section: String?) throws {
        for key in table.keys where !allowed.contains(key) {
            throw fail(key, section, "unknown key (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func table(_ key: String, in table: TOMLTable, section: String?) throws -> TOMLTable? {
        guard let value = table[key] else { return nil }
        guard let nested = value.table else { throw fail(key, section, "expected a table, got \(value.type)") }
        return nested
    }

    func string(_ key: String, in table: TOMLTable, section: String?, oneOf allowed: [String]? = nil) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw fail(key, section, "expected a string, got \(value.type)") }
        if let allowed, !allowed.contains(text) {
            throw fail(key, section, "must be one of \(allowed.joined(separator: ", ")), got \"\(text)\"")
        }
        if text.isEmpty { throw fail(key, section, "must not be empty") }
        return text
    }

    func integer(_ key: String, in table: TOMLTable, section: String?, minimum: Int) throws -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw fail(key, section, "expected an integer, got \(value.type)") }
        if number < minimum { throw fail(key, section, "must be at least \(minimum), got \(number)") }
        return number
    }

    func strings(_ key: String, in table: TOMLTable, section: String?, nonEmpty: Bool = false) throws -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw fail(key, section, "expected an array of strings, got \(value.type)") }
        var strings: [String] = []
        for element in array {
            guard let text = element.string else { throw fail(key, section, "expected an array of strings") }
            strings.append(text)
        }
        if nonEmpty && strings.isEmpty { throw fail(key, section, "must not be empty") }
        return strings
    }

    func number(_ key: String, in table: TOMLTable, section: String?, minimum: Double) throws -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init) else {
            throw fail(key, section, "expected a number, got \(value.type)")
        }
        if number < minimum { throw fail(key, section, "must be at least \(minimum), got \(number)") }
        return number
    }
}

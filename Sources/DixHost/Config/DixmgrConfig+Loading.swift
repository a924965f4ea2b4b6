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
        try reader.onlyKeys(["engine", "log"], in: table, section: nil)
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
        if let log = try reader.table("log", in: table, section: nil) {
            try reader.onlyKeys(["level"], in: log, section: "log")
            config.logLevel = try reader.string(
                "level", in: log, section: "log", oneOf: ["trace", "debug", "info", "notice", "warning", "error", "critical"]) ?? config.logLevel
        }
        return config
    }
}

/// Typed, located access to a parsed TOML document.
private struct Reader {
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

    func number(_ key: String, in table: TOMLTable, section: String?, minimum: Double) throws -> Double? {
        guard let value = table[key] else { return nil }
        guard let number = value.double ?? value.int.map(Double.init) else {
            throw fail(key, section, "expected a number, got \(value.type)")
        }
        if number < minimum { throw fail(key, section, "must be at least \(minimum), got \(number)") }
        return number
    }
}

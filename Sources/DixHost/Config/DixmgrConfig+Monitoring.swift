import DixObservability
import DixServices
import DixWorkflows
import Foundation
import TOMLKit

/// Parsing of `[metrics]`, `[health_history]`, `[alerts]` and `[[monitor]]`.
extension DixmgrConfig {
    static func parseMetrics(_ table: TOMLTable, reader: ConfigReader) throws -> MetricsConfig {
        let section = "metrics"
        try reader.onlyKeys(["enabled", "host", "port", "namespace"], in: table, section: section)
        var metrics = MetricsConfig()
        metrics.enabled = try reader.bool("enabled", in: table, section: section) ?? metrics.enabled
        metrics.host = try reader.string("host", in: table, section: section) ?? metrics.host
        metrics.port = try reader.integer("port", in: table, section: section, minimum: 0) ?? metrics.port
        if metrics.port > 65_535 { throw reader.fail("port", section, "must be at most 65535, got \(metrics.port)") }
        if let namespace = try reader.string("namespace", in: table, section: section) {
            do {
                try MetricsNamespace.validate(namespace)
            } catch {
                throw reader.fail("namespace", section, "\(error)")
            }
            metrics.namespace = namespace
        }
        return metrics
    }

    static func parseHealthHistory(_ table: TOMLTable, reader: ConfigReader, into config: inout DixmgrConfig) throws {
        let section = "health_history"
        try reader.onlyKeys(["path", "retention_days"], in: table, section: section)
        config.healthHistoryPath = try reader.string("path", in: table, section: section)
        config.healthHistoryRetentionDays =
            try reader.integer("retention_days", in: table, section: section, minimum: 1) ?? config.healthHistoryRetentionDays
    }

    static func parseAlerts(_ table: TOMLTable, reader: ConfigReader) throws -> AlertsConfig {
        let section = "alerts"
        var alerts = AlertsConfig()
        var thresholds = AlertThresholds()
        let numbers: [(String, WritableKeyPath<AlertThresholds, Double>)] = [
            ("cpu_warning_percent", \.cpuWarningPercent), ("cpu_critical_percent", \.cpuCriticalPercent),
            ("disk_io_warning_bytes_per_second", \.diskIOWarningBytesPerSecond),
            ("restart_loop_window_seconds", \.restartLoopWindowSeconds),
            ("sync_stalled_for_seconds", \.syncStalledForSeconds), ("resource_for_seconds", \.resourceForSeconds),
        ]
        let integers: [(String, WritableKeyPath<AlertThresholds, Int>)] = [
            ("restart_loop_count", \.restartLoopCount),
            ("down_after_consecutive_failures", \.downAfterConsecutiveFailures), ("minimum_peers", \.minimumPeers),
            ("sync_stalled_blocks_behind", \.syncStalledBlocksBehind),
        ]
        let bytes: [(String, WritableKeyPath<AlertThresholds, Int64>)] = [
            ("memory_warning_bytes", \.memoryWarningBytes), ("memory_critical_bytes", \.memoryCriticalBytes),
        ]
        try reader.onlyKeys(
            Set(numbers.map(\.0) + integers.map(\.0) + bytes.map(\.0) + ["disabled_rules", "repeat_interval_seconds", "channels"]),
            in: table, section: section)
        for (key, path) in numbers {
            if let value = try reader.number(key, in: table, section: section, minimum: 0) { thresholds[keyPath: path] = value }
        }
        for (key, path) in integers {
            if let value = try reader.integer(key, in: table, section: section, minimum: 0) { thresholds[keyPath: path] = value }
        }
        for (key, path) in bytes {
            if let value = try reader.integer(key, in: table, section: section, minimum: 0) {
                thresholds[keyPath: path] = Int64(value)
            }
        }
        if thresholds.cpuWarningPercent > thresholds.cpuCriticalPercent {
            throw reader.fail("cpu_warning_percent", section, "must not exceed cpu_critical_percent")
        }
        if thresholds.memoryWarningBytes > thresholds.memoryCriticalBytes {
            throw reader.fail("memory_warning_bytes", section, "must not exceed memory_critical_bytes")
        }
        alerts.thresholds = thresholds
        if let disabled = try reader.strings("disabled_rules", in: table, section: section) {
            let known = Set(DefaultAlertRules.make().map(\.name))
            if let unknown = disabled.first(where: { !known.contains($0) }) {
                throw reader.fail(
                    "disabled_rules", section, "no rule named \(unknown) (rules: \(known.sorted().joined(separator: ", ")))")
            }
            alerts.disabledRules = disabled
        }
        alerts.repeatIntervalSeconds =
            try reader.number("repeat_interval_seconds", in: table, section: section, minimum: 1) ?? alerts.repeatIntervalSeconds
        let channelTables = try reader.tableArray("channels", in: table, section: section)
        if !channelTables.isEmpty {
            alerts.channels = try channelTables.enumerated().map { index, channel in
                try parseChannel(channel, reader: reader.inside("alerts.channels", entry: index))
            }
        }
        return alerts
    }

    private static func parseChannel(_ table: TOMLTable, reader: ConfigReader) throws -> AlertChannelConfiguration {
        let section = "alerts.channels"
        guard let type = try reader.string("type", in: table, section: section, oneOf: ["log", "webhook", "slack", "email"]) else {
            throw ConfigError(
                file: reader.file, line: reader.line(of: "alerts.channels", section: nil),
                message: "[[alerts.channels]] needs a type: log, webhook, slack or email")
        }
        func url(_ key: String) throws -> URL {
            guard let text = try reader.string(key, in: table, section: section) else {
                throw reader.fail("type", section, "a \(type) channel needs \(key)")
            }
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), url.host != nil,
                  ["http", "https"].contains(scheme)
            else { throw reader.fail(key, section, "expected an http(s) URL, got \"\(text)\"") }
            return url
        }
        switch type {
        case "log":
            try reader.onlyKeys(["type"], in: table, section: section)
            return .log
        case "webhook":
            try reader.onlyKeys(["type", "url"], in: table, section: section)
            return .webhook(url: try url("url"))
        case "slack":
            try reader.onlyKeys(["type", "webhook_url", "channel"], in: table, section: section)
            return .slack(webhookURL: try url("webhook_url"), channel: try reader.string("channel", in: table, section: section))
        default:
            try reader.onlyKeys(
                ["type", "url", "from", "to", "username", "password", "security", "timeout_seconds"], in: table, section: section)
            guard let server = try reader.string("url", in: table, section: section) else {
                throw reader.fail("type", section, "an email channel needs url (smtp://host:port or smtps://host:port)")
            }
            guard let scheme = URL(string: server)?.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme) else {
                throw reader.fail("url", section, "expected smtp://host:port or smtps://host:port, got \"\(server)\"")
            }
            guard let from = try reader.string("from", in: table, section: section) else {
                throw reader.fail("type", section, "an email channel needs from")
            }
            guard let to = try reader.strings("to", in: table, section: section, nonEmpty: true) else {
                throw reader.fail("type", section, "an email channel needs to (a list of addresses)")
            }
            var smtp = SMTPConfiguration(
                url: server, from: from, to: to, username: try reader.string("username", in: table, section: section),
                password: try reader.string("password", in: table, section: section))
            if let security = try reader.string("security", in: table, section: section, oneOf: ["none", "opportunistic", "required"]) {
                smtp.security = SMTPConfiguration.Security(rawValue: security)!
            }
            if let timeout = try reader.number("timeout_seconds", in: table, section: section, minimum: 1) {
                smtp.timeout = .seconds(timeout)
            }
            return .email(smtp)
        }
    }

    static func parseMonitors(_ tables: [TOMLTable], reader: ConfigReader) throws -> [ServiceMonitorSpec] {
        var monitors: [ServiceMonitorSpec] = []
        for (index, table) in tables.enumerated() {
            let reader = reader.inside("monitor", entry: index)
            let monitor = try parseMonitor(table, reader: reader)
            if monitors.contains(where: { $0.service == monitor.service }) {
                throw reader.fail("service", "monitor", "\(monitor.service) has two [[monitor]] tables")
            }
            monitors.append(monitor)
        }
        return monitors
    }

    private static func parseMonitor(_ table: TOMLTable, reader: ConfigReader) throws -> ServiceMonitorSpec {
        let section = "monitor"
        try reader.onlyKeys(
            ["service", "interval_seconds", "status", "resources", "chain", "check_attempts", "restart_after_failures",
             "rounds_per_run", "http", "node_sync"],
            in: table, section: section)
        guard let service = try reader.string("service", in: table, section: section) else {
            throw ConfigError(
                file: reader.file, line: reader.line(of: "monitor", section: nil), message: "[[monitor]] needs a service")
        }
        var spec = ServiceMonitorSpec(service: service)
        spec.intervalSeconds = try reader.number("interval_seconds", in: table, section: section, minimum: 0.1) ?? spec.intervalSeconds
        spec.checkStatus = try reader.bool("status", in: table, section: section) ?? spec.checkStatus
        spec.sampleResources = try reader.bool("resources", in: table, section: section) ?? spec.checkStatus
        spec.chain = try reader.string("chain", in: table, section: section)
        spec.checkAttempts = try reader.integer("check_attempts", in: table, section: section, minimum: 1) ?? spec.checkAttempts
        spec.restartAfterFailures =
            try reader.integer("restart_after_failures", in: table, section: section, minimum: 0) ?? spec.restartAfterFailures
        spec.roundsPerRun = try reader.integer("rounds_per_run", in: table, section: section, minimum: 1) ?? spec.roundsPerRun
        if let http = try reader.table("http", in: table, section: section) {
            spec.http = try parseHTTPCheck(http, reader: reader)
        }
        if let node = try reader.table("node_sync", in: table, section: section) {
            spec.nodeSync = try parseNodeSync(node, reader: reader)
        }
        if let problem = spec.problem {
            throw reader.fail("service", section, "monitor of \(service): \(problem)")
        }
        return spec
    }

    private static func parseHTTPCheck(_ table: TOMLTable, reader: ConfigReader) throws -> HTTPCheck {
        let section = "monitor.http"
        try reader.onlyKeys(
            ["url", "method", "headers", "body", "timeout_seconds", "expected_status", "body_contains", "json_path"],
            in: table, section: section)
        guard let url = try reader.string("url", in: table, section: section) else {
            throw ConfigError(file: reader.file, line: reader.line(of: "monitor.http", section: nil), message: "[monitor.http] needs a url")
        }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw reader.fail("url", section, "expected an http(s) URL, got \"\(url)\"")
        }
        var check = HTTPCheck(url: url)
        check.method = try reader.string("method", in: table, section: section)?.uppercased() ?? check.method
        check.headers = try stringTable("headers", in: table, section: section, reader: reader)
        check.body = try reader.string("body", in: table, section: section)
        if let timeout = try reader.number("timeout_seconds", in: table, section: section, minimum: 0.001) {
            check.timeout = .seconds(timeout)
        }
        if let status = table["expected_status"] {
            if let code = status.int, (100...599).contains(code) {
                check.expectedStatus = .exactly(code)
            } else if status.string?.lowercased() == "2xx" {
                check.expectedStatus = .anySuccess
            } else {
                throw reader.fail("expected_status", section, "expected a status code (100-599) or \"2xx\"")
            }
        }
        check.bodyContains = try reader.string("body_contains", in: table, section: section)
        check.jsonPath = try reader.string("json_path", in: table, section: section)
        return check
    }

    private static func parseNodeSync(_ table: TOMLTable, reader: ConfigReader) throws -> NodeSyncCheck {
        let section = "monitor.node_sync"
        try reader.onlyKeys(
            ["url", "headers", "timeout_seconds", "maximum_blocks_behind", "stall_seconds"], in: table, section: section)
        guard let url = try reader.string("url", in: table, section: section) else {
            throw ConfigError(
                file: reader.file, line: reader.line(of: "monitor.node_sync", section: nil), message: "[monitor.node_sync] needs a url")
        }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
            throw reader.fail("url", section, "expected the node's http(s) JSON-RPC URL, got \"\(url)\"")
        }
        var check = NodeSyncCheck(url: url)
        check.headers = try stringTable("headers", in: table, section: section, reader: reader)
        if let timeout = try reader.number("timeout_seconds", in: table, section: section, minimum: 0.001) {
            check.timeout = .seconds(timeout)
        }
        if let behind = try reader.integer("maximum_blocks_behind", in: table, section: section, minimum: 0) {
            check.maximumBlocksBehind = UInt64(behind)
        }
        if let stall = try reader.number("stall_seconds", in: table, section: section, minimum: 1) {
            check.stallWindow = .seconds(stall)
        }
        return check
    }

    private static func stringTable(
        _ key: String, in table: TOMLTable, section: String, reader: ConfigReader
    ) throws -> [String: String] {
        guard let nested = try reader.table(key, in: table, section: section) else { return [:] }
        var values: [String: String] = [:]
        for name in nested.keys {
            guard let value = nested[name]?.string else { throw reader.fail(key, section, "\(name): values must be strings") }
            values[name] = value
        }
        return values
    }
}

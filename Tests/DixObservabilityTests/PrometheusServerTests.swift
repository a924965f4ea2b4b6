import DixObservability
import Foundation
import Testing

/// A real Prometheus (Debian package `prometheus`) scraping a running dixmgr and evaluating every
/// expression of the dashboard and of the alert rules.
@Suite("Real Prometheus against /metrics", .serialized)
struct PrometheusServerTests {
    struct PrometheusAPI {
        let base: String

        func get(_ path: String) async throws -> [String: Any] {
            let response = try await HTTPFetch.get(base + path)
            return try JSONSerialization.jsonObject(with: response.body) as? [String: Any] ?? [:]
        }

        func query(_ expression: String) async throws -> [String: Any] {
            let encoded = expression.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? expression
            return try await get("/api/v1/query?query=\(encoded)")
        }

        /// Waits, a bounded number of times, for `condition` to hold of the server's answers.
        func eventually(_ what: String, _ condition: () async throws -> Bool) async throws {
            for _ in 0..<150 {
                if (try? await condition()) == true { return }
                try await Task.sleep(for: .milliseconds(200))
            }
            Issue.record("Prometheus: \(what) did not happen within 30 s")
        }
    }

    static func results(_ answer: [String: Any]) -> [[String: Any]] {
        (answer["data"] as? [String: Any])?["result"] as? [[String: Any]] ?? []
    }

    @Test(.enabled(if: ExternalTool.prometheus != nil && ExternalTool.python3 != nil,
                   ExternalTool.missingReason("prometheus or python3", package: "prometheus python3")))
    func prometheusScrapesDixmgrAndEvaluatesEveryDashboardAndRuleExpression() async throws {
        let prometheus = try #require(ExternalTool.prometheus)
        let directory = try TemporaryDirectory.make()
        let dixmgr = try RunningDixmgr(in: directory)
        do {
            try await Self.scrapeAndEvaluate(dixmgr, in: directory, prometheus: prometheus)
        } catch {
            await dixmgr.stopped()
            throw error
        }
        await dixmgr.stopped()
        try? FileManager.default.removeItem(at: directory)
    }

    static func scrapeAndEvaluate(_ dixmgr: RunningDixmgr, in directory: URL, prometheus: ExternalTool) async throws {
        let webPort = FreePort.find()
        let configuration = directory.appendingPathComponent("prometheus.yml")
        try """
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files:
              - \(RepositoryFiles.alertRules.path)
            scrape_configs:
              - job_name: dixmgr
                static_configs:
                  - targets: ["127.0.0.1:\(dixmgr.metricsPort)"]
            """.write(to: configuration, atomically: true, encoding: .utf8)
        let process = try prometheus.start([
            "--config.file=\(configuration.path)",
            "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(webPort)",
        ], logTo: directory.appendingPathComponent("prometheus.log"))
        defer { process.terminate() }
        let api = PrometheusAPI(base: "http://127.0.0.1:\(webPort)")
        try await api.eventually("the dixmgr target is up") {
            Self.results(try await api.query(#"up{job="dixmgr"} == 1"#)).count == 1
        }
        // The monitors continue as new runs every two rounds: workflow executions to count (a
        // rate needs two scrapes).
        try await api.eventually("the workflow execution rate has data") {
            !Self.results(try await api.query(
                "sum by (type, status) (rate(dixmgr_workflow_executions_total[1m]))")).isEmpty
        }
        // The web service is started by its monitor's first restart, then checked healthy.
        try await api.eventually("the web service is seen healthy") {
            !Self.results(try await api.query(#"dixmgr_service_health{service="web"} == 1"#)).isEmpty
        }
        for (panel, expression) in try RepositoryFiles.dashboardExpressions() {
            let answer = try await api.query(expression)
            #expect(answer["status"] as? String == "success",
                    "panel \(panel): \(expression): \(answer["error"] ?? "no status")")
        }
        let dashboard = Dictionary(try RepositoryFiles.dashboardExpressions(), uniquingKeysWith: { first, _ in first })
        for panel in ["Service health", "Workflow execution rate", "CPU", "Circuit breaker state"] {
            let expression = try #require(dashboard[panel])
            #expect(!Self.results(try await api.query(expression)).isEmpty, "panel \(panel) shows no data")
        }
        try await api.eventually("every alert rule has been evaluated") {
            let groups = ((try await api.get("/api/v1/rules"))["data"] as? [String: Any])?["groups"]
                as? [[String: Any]] ?? []
            let rules = groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
            return rules.count == 9 && rules.allSatisfy { $0["health"] as? String != "unknown" }
        }
        let groups = ((try await api.get("/api/v1/rules"))["data"] as? [String: Any])?["groups"]
            as? [[String: Any]] ?? []
        for rule in groups.flatMap({ $0["rules"] as? [[String: Any]] ?? [] }) {
            #expect(rule["health"] as? String == "ok", "rule \(rule["name"] ?? "?"): \(rule["lastError"] ?? "")")
        }
        // Nothing listens for the api service's check: the service-down rule sees it (pending for 2 minutes).
        let down = Self.results(try await api.query("ALERTS{alertname=\"DixmgrServiceDown\"}"))
        #expect(!down.isEmpty)
    }
}

/// The dixmgr binary running with two monitors: `web`, a Python HTTP server under the direct
/// process manager that its monitor starts, and `api`, whose check finds nothing listening.
final class RunningDixmgr: @unchecked Sendable {
    // @unchecked: the Process is only touched by the test that owns it.
    let process = Process()
    let metricsPort = FreePort.find()
    let services: URL

    init(in directory: URL) throws {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let binary = URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("dixmgr")
        let python = try #require(ExternalTool.python3).path
        services = directory.appendingPathComponent("services")
        let config = directory.appendingPathComponent("dixmgr.toml")
        let webPort = FreePort.find()
        try """
            [engine]
            shutdown_grace_seconds = 1
            state_path = "\(directory.appendingPathComponent("state.db").path)"
            [log]
            level = "warning"
            [services]
            process_manager = "direct"
            mode = "execute"
            state_directory = "\(services.path)"
            [[services.direct]]
            name = "web"
            command = "\(python)"
            arguments = ["-m", "http.server", "\(webPort)", "--bind", "127.0.0.1", "--directory", "\(directory.path)"]
            [metrics]
            port = \(metricsPort)
            [[monitor]]
            service = "web"
            interval_seconds = 1
            check_attempts = 1
            restart_after_failures = 1
            rounds_per_run = 2
            [monitor.http]
            url = "http://127.0.0.1:\(webPort)/"
            [[monitor]]
            service = "api"
            interval_seconds = 1
            status = false
            check_attempts = 1
            rounds_per_run = 2
            [monitor.http]
            url = "http://127.0.0.1:\(FreePort.find())/health"
            """.write(to: config, atomically: true, encoding: .utf8)
        process.executableURL = binary
        process.arguments = ["--conf", config.path]
        let log = directory.appendingPathComponent("dixmgr.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    /// ``stop()``, waited for off the pool: dixmgr's graceful shutdown takes a moment.
    func stopped() async {
        _ = try? await offThePool { self.stop() }
    }

    /// Stops dixmgr, then the web server it leaves running for the next dixmgr to adopt.
    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        let pidFile = services.appendingPathComponent("run/web.pid").path
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
    }

    deinit { stop() }
}

import DixObservability
import DixResilience
import Foundation
import Testing

/// A real Prometheus (Debian package `prometheus`) scraping the metrics server and evaluating
/// every expression of the dashboard and of the alert rules.
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

    @Test(.enabled(if: ExternalTool.prometheus != nil, ExternalTool.missingReason("prometheus", package: "prometheus")))
    func prometheusScrapesAndEvaluatesEveryDashboardAndRuleExpression() async throws {
        let prometheus = try #require(ExternalTool.prometheus)
        let factory = try MetricsBootstrap.makeFactory()
        MetricsFixture.populate(factory, services: 5)
        let breaker = CircuitBreaker(name: "rpc", metricsFactory: factory)
        _ = try? await breaker.call { 1 }
        let directory = try TemporaryDirectory.make()
        defer { try? FileManager.default.removeItem(at: directory) }

        try await withMetricsServer(factory.registry) { metricsPort in
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
                      - targets: ["127.0.0.1:\(metricsPort)"]
                """.write(to: configuration, atomically: true, encoding: .utf8)
            let process = try prometheus.start([
                "--config.file=\(configuration.path)",
                "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(webPort)",
            ], logTo: directory.appendingPathComponent("prometheus.log"))
            defer {
                process.terminate()
                process.waitUntilExit()
            }
            let api = PrometheusAPI(base: "http://127.0.0.1:\(webPort)")
            try await api.eventually("the dixmgr target is up") {
                Self.results(try await api.query(#"up{job="dixmgr"} == 1"#)).count == 1
            }
            // Rates need two scrapes.
            try await api.eventually("the workflow execution rate has data") {
                !Self.results(try await api.query(
                    "sum by (type, status) (rate(dixmgr_workflow_executions_total[1m]))")).isEmpty
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
            // The fixture has services with health 0: the service-down rule sees them.
            let down = Self.results(try await api.query("ALERTS{alertname=\"DixmgrServiceDown\"}"))
            #expect(!down.isEmpty)
        }
    }
}

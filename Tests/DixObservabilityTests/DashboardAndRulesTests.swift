import DixObservability
import Foundation
import Testing

@Suite("Grafana dashboard and Prometheus rules")
struct DashboardAndRulesTests {
    @Test(.enabled(if: ExternalTool.promtool != nil, ExternalTool.missingReason("promtool", package: "prometheus")))
    func promtoolAcceptsTheAlertRules() async throws {
        let promtool = try #require(ExternalTool.promtool)
        let result = try await promtool.run(["check", "rules", RepositoryFiles.alertRules.path])
        #expect(result.status == 0, "promtool: \(result.output)\(result.error)")
        #expect(result.output.contains("SUCCESS"))
    }

    @Test func theRulesCoverTheRequiredConditions() throws {
        let rules = try String(contentsOf: RepositoryFiles.alertRules, encoding: .utf8)
        for alert in ["DixmgrServiceDown", "DixmgrCircuitOpen", "DixmgrHighFailureRate", "DixmgrHealthCheckFailing",
                      "DixmgrErrorBudgetFastBurn"] {
            #expect(rules.contains("alert: \(alert)"), "missing \(alert)")
        }
        for name in RepositoryFiles.metricNames(in: rules) {
            #expect(MetricCatalog.family(named: String(name.dropFirst("dixmgr_".count))) != nil, "unknown metric \(name)")
        }
    }

    @Test func theDashboardHasThePanelsAndProvisionsFromAFile() throws {
        let data = try Data(contentsOf: RepositoryFiles.dashboard)
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let panels = try #require(json["panels"] as? [[String: Any]])
        let titles = Set(panels.compactMap { $0["title"] as? String })
        let required = [
            "Service health", "Restart rate", "Downtime", "CPU", "Memory", "Disk I/O", "Node sync", "Peer count",
            "Activity duration p95", "Activity error rate", "Active alerts", "Workflow execution rate",
            "Dependency wait p95", "Circuit breaker state",
        ]
        for title in required { #expect(titles.contains(title), "missing panel \(title)") }
        let templating = try #require((json["templating"] as? [String: Any])?["list"] as? [[String: Any]])
        let datasource = try #require(templating.first { $0["name"] as? String == "datasource" })
        #expect(datasource["type"] as? String == "datasource")
        #expect(datasource["query"] as? String == "prometheus")
        for panel in panels {
            let uid = (panel["datasource"] as? [String: Any])?["uid"] as? String
            #expect(uid == "${datasource}", "panel \(panel["title"] ?? "?") does not use the datasource variable")
        }
        let cpu = try #require(panels.first { $0["title"] as? String == "CPU" })
        let steps = ((((cpu["fieldConfig"] as? [String: Any])?["defaults"] as? [String: Any])?["thresholds"]
            as? [String: Any])?["steps"] as? [[String: Any]]) ?? []
        #expect(steps.contains { ($0["value"] as? Double) == 80 })
        for (panel, expression) in try RepositoryFiles.dashboardExpressions() {
            for name in RepositoryFiles.metricNames(in: expression) {
                #expect(MetricCatalog.family(named: String(name.dropFirst("dixmgr_".count))) != nil,
                        "panel \(panel) uses unknown metric \(name)")
            }
        }
    }
}

import DixObservability
import Foundation

/// Files of the repository that tests check: the Grafana dashboard and the Prometheus rules.
enum RepositoryFiles {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let dashboard = root.appendingPathComponent("conf/grafana-dashboard.json")
    static let alertRules = root.appendingPathComponent("conf/prometheus-alerts.yml")

    /// Every PromQL expression of the dashboard's panels, with Grafana's variables replaced the way
    /// Grafana would for "All services".
    static func dashboardExpressions() throws -> [(panel: String, expression: String)] {
        let data = try Data(contentsOf: dashboard)
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
        let panels = json["panels"] as? [[String: Any]] ?? []
        return panels.flatMap { panel in
            (panel["targets"] as? [[String: Any]] ?? []).compactMap { target in
                (target["expr"] as? String).map { (panel["title"] as? String ?? "?", substituteVariables($0)) }
            }
        }
    }

    static func substituteVariables(_ expression: String) -> String {
        expression
            .replacingOccurrences(of: "$__rate_interval", with: "1m")
            .replacingOccurrences(of: "$__range", with: "1h")
            .replacingOccurrences(of: "$service", with: ".*")
    }

    /// Every `dixmgr_*` name an expression uses, with histogram suffixes taken off.
    static func metricNames(in expression: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: "dixmgr_[a-z_]+")
        let range = NSRange(expression.startIndex..., in: expression)
        return Set(pattern.matches(in: expression, range: range).map { match in
            var name = String(expression[Range(match.range, in: expression)!])
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix)
                && MetricCatalog.family(named: String(name.dropFirst("dixmgr_".count).dropLast(suffix.count))) != nil {
                name.removeLast(suffix.count)
            }
            return name
        })
    }
}

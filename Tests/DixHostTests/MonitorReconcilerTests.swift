@testable import DixHost
import DixEngine
import DixServices
import DixWorkflows
import Foundation
import GRDB
import Logging
import Testing

/// dixmgr's start-up reconciliation of monitor runs with the `[[monitor]]` tables, on a real
/// database with no worker running (runs stay queued, signals stay in their inboxes).
@Suite struct MonitorReconcilerTests {
    @Test func startsReconfiguresKeepsAndCancelsMonitorsToMatchTheConfiguration() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dixreconcile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = directory.appendingPathComponent("state.db").path
        let client = try WorkflowClient(databasePath: database, registry: BuiltinWorkflows.registry)
        let reconciler = MonitorReconciler(client: client, logger: Logger(label: "test"))
        let nginx = ServiceMonitorSpec(service: "nginx", http: HTTPCheck(url: "http://127.0.0.1/health"))
        let node = ServiceMonitorSpec(service: "node")

        let first = try await reconciler.reconcile([nginx, node])
        #expect(first == .init(started: ["nginx", "node"]))
        #expect(try await client.run("monitor/nginx").status == .pending)

        var changed = nginx
        changed.intervalSeconds = 5
        let second = try await reconciler.reconcile([changed, node])
        #expect(second == .init(reconfigured: ["nginx"], unchanged: ["node"]))
        let inbox = try DatabaseQueue(path: database).read { db in
            try Row.fetchAll(db, sql: "SELECT name, payload FROM signals WHERE workflow_id = 'monitor/nginx'")
        }
        #expect(inbox.map { $0["name"] as String } == [ServiceMonitorWorkflow.reconfigureSignal])
        let sent = try PayloadCodec.decode(ServiceMonitorSpec.self, from: try #require(inbox.first?["payload"] as Data?))
        #expect(sent == changed)

        let third = try await reconciler.reconcile([node])
        #expect(third == .init(unchanged: ["node"], canceled: ["nginx"]))
        #expect(try await client.run("monitor/nginx").cancelRequested)
    }
}

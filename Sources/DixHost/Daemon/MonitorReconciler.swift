import DixEngine
import DixWorkflows
import Foundation
import Logging

/// Makes the open monitor workflows match the `[[monitor]]` tables of the configuration: starts
/// the missing ones, sends a changed spec to a running one as its `reconfigure` signal, and
/// cancels the monitors of services no longer configured.
struct MonitorReconciler {
    let client: WorkflowClient
    let logger: Logger

    /// What reconciling did, by service.
    struct Outcome: Equatable {
        var started: [String] = []
        var reconfigured: [String] = []
        var unchanged: [String] = []
        var canceled: [String] = []
    }

    @discardableResult
    func reconcile(_ specs: [ServiceMonitorSpec]) async throws -> Outcome {
        var outcome = Outcome()
        var open: [String: RunRecord] = [:]
        for status in [RunStatus.pending, .running] {
            for run in try await client.list(RunFilter(status: status, workflowType: ServiceMonitorWorkflow.name, limit: 100_000)) {
                open[run.workflowID] = run
            }
        }
        for spec in specs {
            let id = spec.workflowID
            guard let run = open.removeValue(forKey: id) else {
                _ = try await client.start(
                    type: ServiceMonitorWorkflow.name, input: PayloadCodec.encode(ServiceMonitorInput(spec: spec)), id: id)
                outcome.started.append(spec.service)
                continue
            }
            let running = try? PayloadCodec.decode(ServiceMonitorInput.self, from: run.input).spec
            if running == spec {
                outcome.unchanged.append(spec.service)
            } else {
                try await client.signal(id, name: ServiceMonitorWorkflow.reconfigureSignal, payload: PayloadCodec.encode(spec))
                outcome.reconfigured.append(spec.service)
            }
        }
        for (id, run) in open.sorted(by: { $0.key < $1.key }) {
            _ = try await client.cancel(run.runID)
            outcome.canceled.append((try? PayloadCodec.decode(ServiceMonitorInput.self, from: run.input).spec.service) ?? id)
        }
        for (verb, services) in [
            ("started", outcome.started), ("reconfigured", outcome.reconfigured), ("canceled", outcome.canceled),
        ] where !services.isEmpty {
            logger.info("\(verb) monitors", metadata: ["services": "\(services.joined(separator: ", "))"])
        }
        return outcome
    }
}

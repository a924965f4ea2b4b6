import DixEngine
import DixResilience
import DixServices

/// The workflows and activities dixmgr ships with.
public enum BuiltinWorkflows {
    /// A registry with every built-in workflow, and the activities that need nothing from the host.
    public static var registry: WorkflowRegistry {
        var registry = WorkflowRegistry()
        registry.register(DemoWorkflow.self)
        registry.register(DemoGreet())
        registry.register(DemoFinish())
        registry.register(ServiceMonitorWorkflow.self)
        return registry
    }

    /// The circuit breakers of monitor checks open after 5 failed attempts in a row (a check
    /// retried 3 times in two rounds) and let a probe through after 30 s, so a restarted
    /// service is seen healthy again within a round or two.
    public static let checkBreakerConfiguration = CircuitBreaker.Configuration(
        consecutiveFailureThreshold: 5, openDuration: .seconds(30), halfOpenPermittedCalls: 1)

    /// Registers the activities of ``ServiceMonitorWorkflow`` that are its own (checks through
    /// `breakers`, restarts through `manager`, recording through `recorder`); it also uses the
    /// `services.status` and `checks.resources` activities of DixServices.
    public static func registerMonitorActivities(
        in registry: inout WorkflowRegistry, manager: any ServiceManager, recorder: HealthRecorder,
        breakers: CircuitBreakerRegistry
    ) {
        registry.register(MonitorHTTPCheckActivity(breakers: breakers))
        registry.register(MonitorNodeSyncActivity(breakers: breakers))
        registry.register(MonitorRestartActivity(manager: manager, breakers: breakers))
        registry.register(RecordHealthActivity(recorder: recorder))
    }
}

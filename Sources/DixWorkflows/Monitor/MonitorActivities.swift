import DixEngine
import DixResilience
import DixServices
import Foundation

/// The error type a check refused by its open circuit breaker fails with; not retried.
public let circuitOpenErrorType = "CircuitOpen"

/// A check of one service, named so its circuit breaker is the service's own.
public struct MonitoredCheck<Check: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public var service: String
    public var check: Check

    public init(service: String, check: Check) {
        self.service = service
        self.check = check
    }
}

/// The circuit breaker name of a service's check: `<service>.<check>`, e.g. `nginx.http`.
public func monitorBreakerName(service: String, check: String) -> String { "\(service).\(check)" }

/// Runs `operation` through `breaker`; a refusal becomes a non-retryable ``circuitOpenErrorType`` error.
func throughBreaker<T>(_ breaker: CircuitBreaker, _ operation: () async throws -> T) async throws -> T {
    do {
        return try await breaker.call(operation)
    } catch let refused as CircuitBreakerOpenError {
        throw ApplicationError(refused.description, type: circuitOpenErrorType, nonRetryable: true)
    }
}

/// `monitor.http`: an HTTP check through the service's circuit breaker. A failing check
/// throws, so the engine retries it under the monitor's policy and the breaker counts it.
public struct MonitorHTTPCheckActivity: Activity {
    public static let name = "monitor.http"
    /// The check's part of its breaker name (see ``monitorBreakerName(service:check:)``).
    public static let breakerCheck = "http"
    public let checker: HTTPHealthChecker
    public let breakers: CircuitBreakerRegistry

    public init(checker: HTTPHealthChecker = HTTPHealthChecker(), breakers: CircuitBreakerRegistry) {
        self.checker = checker
        self.breakers = breakers
    }

    public func run(_ input: MonitoredCheck<HTTPCheck>, context: ActivityContext) async throws -> HTTPCheckResult {
        try await throughBreaker(breakers.getOrCreate(monitorBreakerName(service: input.service, check: Self.breakerCheck))) {
            try await HTTPCheckActivity(checker: checker, throwsWhenUnhealthy: true).run(input.check, context: context)
        }
    }
}

/// `monitor.node-sync`: a node sync check through the service's circuit breaker. An unreachable
/// or malformed RPC endpoint throws and is retried; a node that answers but is behind, stalled
/// or short of peers is a result, since its figures are what the monitor records.
public struct MonitorNodeSyncActivity: Activity {
    public static let name = "monitor.node-sync"
    /// The check's part of its breaker name (see ``monitorBreakerName(service:check:)``).
    public static let breakerCheck = "node_sync"
    public let checker: NodeSyncChecker
    public let breakers: CircuitBreakerRegistry

    public init(checker: NodeSyncChecker = NodeSyncChecker(), breakers: CircuitBreakerRegistry) {
        self.checker = checker
        self.breakers = breakers
    }

    public func run(_ input: MonitoredCheck<NodeSyncCheck>, context: ActivityContext) async throws -> NodeSyncResult {
        try await throughBreaker(breakers.getOrCreate(monitorBreakerName(service: input.service, check: Self.breakerCheck))) {
            try await NodeSyncCheckActivity(checker: checker).run(input.check, context: context)
        }
    }
}

/// `monitor.restart`: restarts the service, then closes the circuit breakers of its checks: the
/// new process owes nothing to the old one's failures, and is checked at the next round.
public struct MonitorRestartActivity: Activity {
    public static let name = "monitor.restart"
    public let manager: any ServiceManager
    public let breakers: CircuitBreakerRegistry

    public init(manager: any ServiceManager, breakers: CircuitBreakerRegistry) {
        self.manager = manager
        self.breakers = breakers
    }

    public func run(_ input: ServiceRequest, context: ActivityContext) async throws -> ServiceActionResult {
        let result = try await manager.restart(input.service)
        if result.performed {
            let known = Set(breakers.names)
            for check in [MonitorHTTPCheckActivity.breakerCheck, MonitorNodeSyncActivity.breakerCheck] {
                let name = monitorBreakerName(service: input.service, check: check)
                if known.contains(name) { breakers.getOrCreate(name).reset() }
            }
        }
        return result
    }
}

/// `monitor.record`: writes one round of checks to health history, then metrics, then alert
/// rules, and returns the alert transitions it caused (`fired service_down critical`).
public struct RecordHealthActivity: Activity {
    public static let name = "monitor.record"
    public let recorder: HealthRecorder

    public init(recorder: HealthRecorder) { self.recorder = recorder }

    public func run(_ input: HealthReport, context: ActivityContext) async throws -> [String] {
        await recorder.record(input)
    }
}

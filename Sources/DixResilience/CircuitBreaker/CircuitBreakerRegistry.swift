import CoreMetrics
import Synchronization

/// The circuit breakers of a process, by name, sharing a default configuration.
///
/// ```swift
/// let registry = CircuitBreakerRegistry()
/// let breaker = registry.getOrCreate("node-rpc")
/// registry.update(defaultConfiguration: relaxed)   // applied to live breakers too
/// for stats in registry.allStats() { print(stats.name, stats.state) }
/// ```
public final class CircuitBreakerRegistry: Sendable {
    private struct State {
        var defaultConfiguration: CircuitBreaker.Configuration
        var overrides: [String: CircuitBreaker.Configuration] = [:]
        var breakers: [String: CircuitBreaker] = [:]
    }

    private let state: Mutex<State>
    private let timeSource: TimeSource
    private let metricsFactory: (any MetricsFactory)?
    private let onStateChange: (@Sendable (CircuitBreaker.StateChange) -> Void)?

    /// Creates an empty registry; its breakers share the time source, metrics factory and callback.
    public init(
        defaultConfiguration: CircuitBreaker.Configuration = .init(),
        timeSource: TimeSource = .coarseMonotonic,
        metricsFactory: (any MetricsFactory)? = nil,
        onStateChange: (@Sendable (CircuitBreaker.StateChange) -> Void)? = nil
    ) {
        self.state = Mutex(State(defaultConfiguration: defaultConfiguration))
        self.timeSource = timeSource
        self.metricsFactory = metricsFactory
        self.onStateChange = onStateChange
    }

    /// The breaker named `name`, created with the current configuration for that name if new.
    public func getOrCreate(_ name: String) -> CircuitBreaker {
        state.withLock { state in
            if let breaker = state.breakers[name] { return breaker }
            let breaker = CircuitBreaker(
                name: name,
                configuration: state.overrides[name] ?? state.defaultConfiguration,
                timeSource: timeSource,
                metricsFactory: metricsFactory,
                onStateChange: onStateChange)
            state.breakers[name] = breaker
            return breaker
        }
    }

    /// The names of the breakers created so far, sorted.
    public var names: [String] {
        state.withLock { $0.breakers.keys.sorted() }
    }

    /// Stats of every breaker, sorted by name.
    public func allStats() -> [CircuitBreaker.Stats] {
        let breakers = state.withLock { Array($0.breakers.values) }
        return breakers.map(\.stats).sorted { $0.name < $1.name }
    }

    /// Replaces the default configuration and applies it to every live breaker without an override.
    public func update(defaultConfiguration: CircuitBreaker.Configuration) {
        let affected = state.withLock { state in
            state.defaultConfiguration = defaultConfiguration
            return state.breakers.filter { state.overrides[$0.key] == nil }.map(\.value)
        }
        for breaker in affected { breaker.update(configuration: defaultConfiguration) }
    }

    /// Sets the configuration of the breaker named `name` (nil: back to the default), live if it exists.
    public func update(configuration: CircuitBreaker.Configuration?, for name: String) {
        let (breaker, effective) = state.withLock { state in
            state.overrides[name] = configuration
            return (state.breakers[name], configuration ?? state.defaultConfiguration)
        }
        breaker?.update(configuration: effective)
    }
}

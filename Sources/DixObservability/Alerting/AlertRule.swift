/// A condition on a service observation that raises an alert of one type.
///
/// ```swift
/// let rule = AlertRule(name: "slow_rpc", type: "slow_rpc", for: .seconds(120)) { observation in
///     guard let error = observation.error, error.contains("timeout") else { return nil }
///     return AlertCondition(severity: .warning, message: "RPC of \(observation.service) times out")
/// }
/// ```
public struct AlertRule: Sendable {
    /// Unique name; rules are enabled and disabled by it.
    public var name: String
    public var type: AlertType
    /// How long the condition must hold before the alert fires; zero fires at once.
    public var forDuration: Duration
    public var isEnabled: Bool
    /// Returns the condition when it holds for the observed service, nil when it does not.
    public var evaluate: @Sendable (ServiceObservation) -> AlertCondition?

    public init(
        name: String, type: AlertType, for forDuration: Duration = .zero, isEnabled: Bool = true,
        evaluate: @escaping @Sendable (ServiceObservation) -> AlertCondition?
    ) {
        self.name = name
        self.type = type
        self.forDuration = forDuration
        self.isEnabled = isEnabled
        self.evaluate = evaluate
    }
}

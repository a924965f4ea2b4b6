import DixResilience
import Foundation

/// How a failed activity is retried: Temporal's fields and defaults, plus jitter, except
/// that attempts are bounded by default (`maximumAttempts` 5; 0 means unlimited).
public struct RetryPolicy: Sendable, Hashable, Codable {
    /// The delay after the first failed attempt (default 1 s).
    public var initialInterval: Duration
    /// The factor by which the delay grows after each further failure (default 2.0).
    public var backoffCoefficient: Double
    /// The cap on the delay (default 100 x `initialInterval`).
    public var maximumInterval: Duration
    /// The most attempts, including the first; 0 means unlimited (default 5).
    public var maximumAttempts: Int
    /// Error type names that are never retried, matched exactly.
    public var nonRetryableErrorTypes: [String]
    /// The proportional jitter applied to each delay, as a fraction (default 0.1 for ±10 %).
    public var jitter: Double

    public init(
        initialInterval: Duration = .seconds(1),
        backoffCoefficient: Double = 2.0,
        maximumInterval: Duration? = nil,
        maximumAttempts: Int = 5,
        nonRetryableErrorTypes: [String] = [],
        jitter: Double = 0.1
    ) {
        self.initialInterval = initialInterval
        self.backoffCoefficient = backoffCoefficient
        self.maximumInterval = maximumInterval ?? initialInterval * 100
        self.maximumAttempts = maximumAttempts
        self.nonRetryableErrorTypes = nonRetryableErrorTypes
        self.jitter = jitter
    }

    /// The default policy.
    public static let `default` = RetryPolicy()

    /// A policy that never retries.
    public static let none = RetryPolicy(maximumAttempts: 1)

    /// The backoff calculator for this policy.
    public var backoff: Backoff {
        Backoff(
            initialInterval: initialInterval, coefficient: backoffCoefficient,
            maximumInterval: maximumInterval, jitter: jitter > 0 ? .proportional(jitter) : .none)
    }

    /// Whether another attempt may follow failed attempt number `attempt`.
    public func allowsAttempt(after attempt: Int) -> Bool {
        maximumAttempts == 0 || attempt < maximumAttempts
    }

    private enum CodingKeys: String, CodingKey {
        case initialInterval, backoffCoefficient, maximumInterval, maximumAttempts, nonRetryableErrorTypes, jitter
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let initial = try container.decodeIfPresent(Double.self, forKey: .initialInterval) ?? 1
        let maximum = try container.decodeIfPresent(Double.self, forKey: .maximumInterval)
        self.init(
            initialInterval: .seconds(initial),
            backoffCoefficient: try container.decodeIfPresent(Double.self, forKey: .backoffCoefficient) ?? 2,
            maximumInterval: maximum.map { .seconds($0) },
            maximumAttempts: try container.decodeIfPresent(Int.self, forKey: .maximumAttempts) ?? 5,
            nonRetryableErrorTypes: try container.decodeIfPresent([String].self, forKey: .nonRetryableErrorTypes) ?? [],
            jitter: try container.decodeIfPresent(Double.self, forKey: .jitter) ?? 0.1)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(initialInterval.seconds, forKey: .initialInterval)
        try container.encode(backoffCoefficient, forKey: .backoffCoefficient)
        try container.encode(maximumInterval.seconds, forKey: .maximumInterval)
        try container.encode(maximumAttempts, forKey: .maximumAttempts)
        try container.encode(nonRetryableErrorTypes, forKey: .nonRetryableErrorTypes)
        try container.encode(jitter, forKey: .jitter)
    }
}

/// Timeouts and retries of one activity step.
public struct ActivityOptions: Sendable, Hashable, Codable {
    /// The longest one attempt may run; a timeout is a retryable failure of type `StartToCloseTimeout`.
    public var startToCloseTimeout: Duration?
    /// The longest the step may take over all attempts and backoff (`ScheduleToCloseTimeout`).
    public var scheduleToCloseTimeout: Duration?
    /// The longest an attempt may go without a heartbeat (`HeartbeatTimeout`).
    public var heartbeatTimeout: Duration?
    /// How failed attempts are retried.
    public var retryPolicy: RetryPolicy

    public init(
        startToCloseTimeout: Duration? = nil,
        scheduleToCloseTimeout: Duration? = nil,
        heartbeatTimeout: Duration? = nil,
        retryPolicy: RetryPolicy = .default
    ) {
        self.startToCloseTimeout = startToCloseTimeout
        self.scheduleToCloseTimeout = scheduleToCloseTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.retryPolicy = retryPolicy
    }

    /// These options as a step's events record them: nil when they are the defaults, which
    /// `dixctl workflow show` displays for a step that recorded none (the defaults would be
    /// three quarters of a small step's event).
    var unlessDefault: ActivityOptions? { self == Self.defaults ? nil : self }

    /// Made once: compared with every activity step's options.
    private static let defaults = ActivityOptions()

    private enum CodingKeys: String, CodingKey {
        case startToCloseTimeout, scheduleToCloseTimeout, heartbeatTimeout, retryPolicy
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func seconds(_ key: CodingKeys) throws -> Duration? {
            try container.decodeIfPresent(Double.self, forKey: key).map { .seconds($0) }
        }
        self.init(
            startToCloseTimeout: try seconds(.startToCloseTimeout),
            scheduleToCloseTimeout: try seconds(.scheduleToCloseTimeout),
            heartbeatTimeout: try seconds(.heartbeatTimeout),
            retryPolicy: try container.decodeIfPresent(RetryPolicy.self, forKey: .retryPolicy) ?? .default)
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(startToCloseTimeout?.seconds, forKey: .startToCloseTimeout)
        try container.encodeIfPresent(scheduleToCloseTimeout?.seconds, forKey: .scheduleToCloseTimeout)
        try container.encodeIfPresent(heartbeatTimeout?.seconds, forKey: .heartbeatTimeout)
        try container.encode(retryPolicy, forKey: .retryPolicy)
    }
}

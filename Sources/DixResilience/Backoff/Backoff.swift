import Foundation

/// Exponential backoff: the delay to wait after a failed attempt before the next one.
///
/// One calculator serves the engine's durable retry policies and in-process retries.
/// The arithmetic is done in floating point seconds and clamped, so no attempt number,
/// however large, overflows or yields a negative delay.
///
/// ```swift
/// let backoff = Backoff(initialInterval: .seconds(1), coefficient: 2, maximumInterval: .seconds(100))
/// var rng = SystemRandomNumberGenerator()
/// let wait = backoff.delay(afterAttempt: 3, using: &rng)   // about 4 s, ±10 %
/// ```
public struct Backoff: Sendable, Hashable, Codable {
    /// How randomness is added to the computed delay.
    public enum Jitter: Sendable, Hashable, Codable {
        /// The computed delay as it is.
        case none
        /// Uniform in `0 ... delay` (AWS "full jitter").
        case full
        /// Half the delay plus a uniform share of the other half.
        case equal
        /// The delay plus or minus a fraction of itself, e.g. `0.1` for ±10 %.
        case proportional(Double)

        /// ±10 %, the default.
        public static let `default` = Jitter.proportional(0.1)
    }

    /// The delay after the first failed attempt.
    public var initialInterval: Duration
    /// The factor by which the delay grows after each further failure.
    public var coefficient: Double
    /// The cap on the computed delay (before jitter).
    public var maximumInterval: Duration
    /// The randomness added to the computed delay.
    public var jitter: Jitter

    /// Creates a backoff; `maximumInterval` defaults to 100 times `initialInterval` as in Temporal.
    public init(
        initialInterval: Duration = .seconds(1),
        coefficient: Double = 2.0,
        maximumInterval: Duration? = nil,
        jitter: Jitter = .default
    ) {
        self.initialInterval = initialInterval
        self.coefficient = coefficient
        self.maximumInterval = maximumInterval ?? initialInterval * 100
        self.jitter = jitter
    }

    /// The delay without jitter after failed attempt number `attempt` (1-based).
    public func baseDelay(afterAttempt attempt: Int) -> Duration {
        let initial = max(0, initialInterval.seconds)
        let cap = max(initial, maximumInterval.seconds)
        let exponent = attempt > 1 ? Double(attempt - 1) : 0   // no `attempt - 1` overflow at Int.min
        let growth = pow(max(1, coefficient), exponent)
        let raw = initial * growth
        let clamped = raw.isFinite ? min(raw, cap) : cap
        return .seconds(clamped)
    }

    /// The delay with jitter after failed attempt number `attempt` (1-based).
    public func delay(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let base = baseDelay(afterAttempt: attempt).seconds
        let jittered: Double
        switch jitter {
        case .none:
            jittered = base
        case .full:
            jittered = base > 0 ? Double.random(in: 0...base, using: &generator) : 0
        case .equal:
            jittered = base / 2 + (base > 0 ? Double.random(in: 0...(base / 2), using: &generator) : 0)
        case .proportional(let fraction):
            let spread = base * min(max(fraction, 0), 1)
            jittered = base + (spread > 0 ? Double.random(in: -spread...spread, using: &generator) : 0)
        }
        return .seconds(max(0, jittered))
    }

    /// The delay with jitter, drawing from the system generator.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, using: &generator)
    }
}

extension Duration {
    /// The duration in seconds as a floating point number.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}

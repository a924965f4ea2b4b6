import CoreMetrics
import DixResilience
import Logging
import ServiceLifecycle

/// Delivers alert notifications to the channels, asynchronously, each channel on its own lane.
///
/// ``enqueue(_:)`` never waits: it puts the notification on every channel's queue and returns, so
/// alerting never holds up a health check. Each lane delivers in order, retrying a failed delivery
/// with ``Backoff`` behind a ``CircuitBreaker`` of its own, so a dead receiver costs one rejected
/// call per notification instead of a timeout, and a slow one holds up only its own lane.
///
/// ```swift
/// let dispatcher = AlertDispatcher(channels: [LogAlertChannel(), WebhookAlertChannel(url: hook)])
/// // in the daemon's ServiceGroup: services: [dispatcher, ...]
/// ```
public final class AlertDispatcher: Service, Sendable {
    public struct Configuration: Sendable {
        /// Waits between attempts.
        public var backoff: Backoff
        /// Attempts per notification and channel before it is dropped (and logged).
        public var maximumAttempts: Int
        /// Notifications a lane holds while its channel is slow; beyond, the oldest are kept and new ones dropped.
        public var queueCapacity: Int
        /// The breaker in front of each channel.
        public var circuitBreaker: CircuitBreaker.Configuration

        public init(
            backoff: Backoff = Backoff(initialInterval: .seconds(1), coefficient: 2, maximumInterval: .seconds(60)),
            maximumAttempts: Int = 5,
            queueCapacity: Int = 1_000,
            circuitBreaker: CircuitBreaker.Configuration = CircuitBreaker.Configuration(
                consecutiveFailureThreshold: 5, minimumNumberOfCalls: 10, openDuration: .seconds(60))
        ) {
            self.backoff = backoff
            self.maximumAttempts = maximumAttempts
            self.queueCapacity = queueCapacity
            self.circuitBreaker = circuitBreaker
        }
    }

    /// How one notification ended on one channel.
    public struct Outcome: Sendable, Hashable {
        public enum Result: String, Sendable, Hashable {
            case delivered, failed, dropped
        }

        public var channel: String
        public var notification: AlertNotification
        public var result: Result
        /// Delivery attempts made, including those the circuit breaker rejected.
        public var attempts: Int
    }

    struct Lane: Sendable {
        let channel: any AlertChannel
        let breaker: CircuitBreaker
        let notifications: AsyncStream<AlertNotification>
        let continuation: AsyncStream<AlertNotification>.Continuation
    }

    public let configuration: Configuration
    let lanes: [Lane]
    private let logger: Logger
    private let metricsFactory: (any MetricsFactory)?
    private let onOutcome: (@Sendable (Outcome) -> Void)?
    private let clock: any Clock<Duration>

    /// Creates a dispatcher; `onOutcome` hears how each notification ended on each channel, and
    /// `clock` times the waits between attempts.
    public init(
        channels: [any AlertChannel], configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "dixmgr.alerts"), metricsFactory: (any MetricsFactory)? = nil,
        clock: any Clock<Duration> = ContinuousClock(), onOutcome: (@Sendable (Outcome) -> Void)? = nil
    ) {
        self.configuration = configuration
        self.clock = clock
        self.onOutcome = onOutcome
        self.logger = logger
        self.metricsFactory = metricsFactory
        self.lanes = channels.map { channel in
            let (stream, continuation) = AsyncStream.makeStream(
                of: AlertNotification.self, bufferingPolicy: .bufferingOldest(max(1, configuration.queueCapacity)))
            return Lane(
                channel: channel,
                breaker: CircuitBreaker(
                    name: "alert-channel-\(channel.name)", configuration: configuration.circuitBreaker,
                    metricsFactory: metricsFactory),
                notifications: stream, continuation: continuation)
        }
    }

    /// The circuit breaker in front of the channel named `name`.
    public func circuitBreaker(forChannel name: String) -> CircuitBreaker? {
        lanes.first { $0.channel.name == name }?.breaker
    }

    /// Queues the notification for every channel and returns at once.
    public func enqueue(_ notification: AlertNotification) {
        for lane in lanes {
            if case .dropped = lane.continuation.yield(notification) {
                report(.dropped, notification, lane, attempts: 0)
                logger.error("alert queue full, notification dropped",
                             metadata: ["channel": "\(lane.channel.name)", "alert": "\(notification.summary)"])
            }
        }
    }

    /// Delivers until graceful shutdown (then delivers what is queued and returns) or cancellation.
    public func run() async {
        let lanes = self.lanes
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for lane in lanes {
                    group.addTask {
                        for await notification in lane.notifications {
                            await self.deliver(notification, through: lane)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            for lane in lanes { lane.continuation.finish() }
        }
    }

    private func deliver(_ notification: AlertNotification, through lane: Lane) async {
        let attempts = max(1, configuration.maximumAttempts)
        for attempt in 1...attempts {
            var wait = configuration.backoff.delay(afterAttempt: attempt)
            do {
                try await lane.breaker.call {
                    try await lane.channel.deliver(notification)
                }
                report(.delivered, notification, lane, attempts: attempt)
                return
            } catch let open as CircuitBreakerOpenError {
                wait = max(wait, open.retryAfter ?? .zero)
                logger.debug("alert channel circuit open", metadata: ["channel": "\(lane.channel.name)"])
            } catch {
                logger.warning("alert delivery failed", metadata: [
                    "channel": "\(lane.channel.name)", "attempt": "\(attempt)", "error": "\(error)",
                ])
            }
            guard attempt < attempts else { break }
            do {
                try await clock.sleep(for: wait)
            } catch {
                break
            }
        }
        report(.failed, notification, lane, attempts: attempts)
        logger.error("alert not delivered", metadata: [
            "channel": "\(lane.channel.name)", "alert": "\(notification.summary)", "attempts": "\(attempts)",
        ])
    }

    private func report(_ result: Outcome.Result, _ notification: AlertNotification, _ lane: Lane, attempts: Int) {
        onOutcome?(Outcome(channel: lane.channel.name, notification: notification, result: result, attempts: attempts))
        let dimensions = [("channel", lane.channel.name), ("result", result.rawValue)]
        if let metricsFactory {
            Counter(label: MetricCatalog.alertNotifications.name, dimensions: dimensions, factory: metricsFactory)
                .increment()
        } else {
            Counter(label: MetricCatalog.alertNotifications.name, dimensions: dimensions).increment()
        }
    }
}

import DixObservability
import DixResilience
import Foundation
import Testing

/// Runs the dispatcher for the length of `body`.
func withDispatcher<R: Sendable>(_ dispatcher: AlertDispatcher, _ body: @Sendable () async throws -> R) async throws -> R {
    try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask {
            await dispatcher.run()
            return nil
        }
        defer { group.cancelAll() }
        return try await body()
    }
}

extension AlertDispatcher.Configuration {
    /// Fast retries for tests.
    static func quick(attempts: Int = 5, breakerThreshold: Int = 100) -> Self {
        AlertDispatcher.Configuration(
            backoff: Backoff(initialInterval: .milliseconds(5), coefficient: 2, maximumInterval: .milliseconds(40),
                             jitter: .none),
            maximumAttempts: attempts,
            circuitBreaker: CircuitBreaker.Configuration(
                consecutiveFailureThreshold: breakerThreshold, failureRateThreshold: nil, minimumNumberOfCalls: 1,
                openDuration: .seconds(60)))
    }
}

@Suite("Alert manager and dispatcher")
struct AlertManagerTests {
    static let origin = Date(timeIntervalSince1970: 1_800_000_000)

    static func down(_ seconds: Double, service: String = "geth") -> ServiceObservation {
        ServiceObservation(service: service, time: origin.addingTimeInterval(seconds), healthy: false,
                           consecutiveFailures: 5, error: "refused")
    }

    @Test func alertsLeftFiringByAPreviousProcessGoOnWithoutANewNotificationThenResolve() async throws {
        let history = try HealthHistory.inMemory()
        let rules = DefaultAlertRules.make().filter { $0.name == "service_down" }
        let before = try AlertManager(rules: rules, dispatcher: AlertDispatcher(channels: []), history: history)
        await before.observe(Self.down(0))
        await before.observe(Self.down(0, service: "erigon"))
        try await history.flush()
        let left = try await history.unresolvedAlerts()
        #expect(left.map(\.service) == ["geth", "erigon"])

        // The next process takes them over.
        let channel = RecordingChannel()
        let dispatcher = AlertDispatcher(channels: [channel], configuration: .quick())
        let after = try AlertManager(rules: rules, dispatcher: dispatcher, history: history)
        await after.resume(left)
        #expect(await after.activeAlerts.isEmpty, "resumed alerts settle at their service's next observation")
        try await withDispatcher(dispatcher) {
            var delivered = channel.delivered.makeAsyncIterator()
            // geth is still down: the same alert goes on, no new notification, no new record.
            #expect(await after.observe(Self.down(60)).isEmpty)
            #expect(await after.activeAlerts.map(\.fingerprint) == [left[0].fingerprint])
            // erigon recovered while no process watched: resolved at its first observation.
            let recovered = await after.observe(
                ServiceObservation(service: "erigon", time: Self.origin.addingTimeInterval(70), healthy: true))
            #expect(recovered.map(\.alert.service) == ["erigon"])
            let first = await delivered.next()
            #expect(first?.status == .resolved && first?.alert.service == "erigon")
            // geth recovers: resolved with its original start.
            await after.observe(ServiceObservation(service: "geth", time: Self.origin.addingTimeInterval(120), healthy: true))
            let second = await delivered.next()
            #expect(second?.status == .resolved && second?.alert.service == "geth")
            #expect(second?.alert.startsAt == Self.origin)
        }
        try await history.flush()
        #expect(try await history.unresolvedAlerts().isEmpty)
        let records = try await history.alerts(since: .distantPast, until: .distantFuture)
        #expect(records.count == 2, "no alert was recorded twice")
        #expect(records.first { $0.service == "geth" }?.resolved == Self.origin.addingTimeInterval(120))
    }

    /// An alert with extra labels, taken over after a restart, resolves with the fingerprint and
    /// labels it fired with (receivers match the two notifications by fingerprint).
    @Test func aTakenOverAlertResolvesWithTheFingerprintItFiredWith() async throws {
        let history = try HealthHistory.inMemory()
        let rules = DefaultAlertRules.make().filter { $0.name == "circuit_open" }
        let before = try AlertManager(rules: rules, dispatcher: AlertDispatcher(channels: []), history: history)
        let fired = await before.observe(
            ServiceObservation(service: "geth", time: Self.origin, openCircuits: ["geth.http"]))
        #expect(fired.map(\.alert.labels) == [["breaker": "geth.http"]])
        try await history.flush()
        let left = try await history.unresolvedAlerts()
        #expect(left.map(\.labels) == [["breaker": "geth.http"]])
        #expect(left.map(\.fingerprint) == fired.map(\.alert.fingerprint))

        let channel = RecordingChannel()
        let dispatcher = AlertDispatcher(channels: [channel], configuration: .quick())
        let after = try AlertManager(rules: rules, dispatcher: dispatcher, history: history)
        await after.resume(left)
        try await withDispatcher(dispatcher) {
            var delivered = channel.delivered.makeAsyncIterator()
            await after.observe(ServiceObservation(service: "geth", time: Self.origin.addingTimeInterval(30)))
            let resolved = await delivered.next()
            #expect(resolved?.status == .resolved)
            #expect(resolved?.alert.fingerprint == left[0].fingerprint)
            #expect(resolved?.alert.labels == ["breaker": "geth.http"])
        }
        try await history.flush()
        #expect(try await history.unresolvedAlerts().isEmpty)
    }

    @Test func firingIsNotifiedOnceThenRepeatedAfterTheIntervalAndResolved() async throws {
        let channel = RecordingChannel()
        let dispatcher = AlertDispatcher(channels: [channel], configuration: .quick())
        let factory = try MetricsBootstrap.makeFactory()
        let history = try HealthHistory.inMemory()
        let manager = try AlertManager(
            rules: DefaultAlertRules.make().filter { $0.name == "service_down" },
            configuration: .init(repeatInterval: .seconds(300)), dispatcher: dispatcher, history: history,
            metricsFactory: factory)
        try await withDispatcher(dispatcher) {
            var delivered = channel.delivered.makeAsyncIterator()
            await manager.observe(Self.down(0))
            let first = await delivered.next()
            #expect(first?.status == .firing)
            #expect(first?.isRepeat == false)
            // Within the dedupe window: no new notification.
            await manager.observe(Self.down(60))
            await manager.observe(Self.down(299))
            // After it: one repeat.
            await manager.observe(Self.down(301))
            let repeated = await delivered.next()
            #expect(repeated?.isRepeat == true)
            await manager.observe(ServiceObservation(service: "geth", time: Self.origin.addingTimeInterval(400), healthy: true))
            let resolved = await delivered.next()
            #expect(resolved?.status == .resolved)
            #expect(resolved?.alert.endsAt == Self.origin.addingTimeInterval(400))
            #expect(channel.attempts == 3)
        }
        #expect(await manager.activeAlerts.isEmpty)
        try await history.flush()
        let recorded = try await history.alerts(since: Self.origin, until: Self.origin.addingTimeInterval(1000))
        #expect(recorded.count == 1)
        #expect(recorded.first?.resolved == Self.origin.addingTimeInterval(400))
        let text = factory.registry.emitToString()
        #expect(text.contains(#"dixmgr_alerts_fired_total{severity="critical",type="service_down"} 1"#))
        #expect(text.contains(#"dixmgr_alerts_active{service="geth",severity="critical",type="service_down"} 0"#))
    }

    @Test func alertsRaisedDirectlyAreDedupedAndResolved() async throws {
        let channel = RecordingChannel()
        let dispatcher = AlertDispatcher(channels: [channel], configuration: .quick())
        let manager = try AlertManager(dispatcher: dispatcher)
        let alert = Alert(type: .circuitOpen, severity: .warning, service: "rpc", message: "breaker open",
                          labels: ["breaker": "rpc-check"], startsAt: Self.origin)
        try await withDispatcher(dispatcher) {
            var delivered = channel.delivered.makeAsyncIterator()
            await manager.fire(alert)
            await manager.fire(alert)
            #expect(await manager.activeAlerts.map(\.fingerprint) == [alert.fingerprint])
            await manager.resolve(fingerprint: alert.fingerprint, at: Self.origin.addingTimeInterval(10))
            #expect(await delivered.next()?.status == .firing)
            #expect(await delivered.next()?.status == .resolved)
            #expect(channel.attempts == 2)
        }
    }

    @Test func failedDeliveriesAreRetriedWithBackoff() async throws {
        let channel = RecordingChannel(failures: 3)
        let dispatcher = AlertDispatcher(channels: [channel], configuration: .quick(attempts: 5))
        let manager = try AlertManager(dispatcher: dispatcher)
        try await withDispatcher(dispatcher) {
            var delivered = channel.delivered.makeAsyncIterator()
            await manager.observe(Self.down(0))
            let notifications = [await delivered.next(), await delivered.next()]
            #expect(Set(notifications.compactMap { $0?.alert.type }) == [.serviceDown, .healthCheckFailed])
            #expect(channel.attempts == 5)
        }
    }

    @Test func eachChannelHasACircuitBreakerThatOpensOnARepeatedlyFailingReceiver() async throws {
        let failing = RecordingChannel(name: "failing", failures: 1_000)
        let (outcomes, outcome) = AsyncStream.makeStream(of: AlertDispatcher.Outcome.self)
        let dispatcher = AlertDispatcher(
            channels: [failing], configuration: .quick(attempts: 3, breakerThreshold: 2),
            onOutcome: { outcome.yield($0) })
        let breaker = try #require(dispatcher.circuitBreaker(forChannel: "failing"))
        let manager = try AlertManager(rules: [], dispatcher: dispatcher)
        let ended = try await withDispatcher(dispatcher) {
            await manager.fire(Alert(type: "x", severity: .info, service: "s", message: "m", startsAt: Self.origin))
            var iterator = outcomes.makeAsyncIterator()
            return await iterator.next()
        }
        // Two failures open the breaker; the third attempt is rejected without reaching the receiver.
        #expect(ended?.result == .failed)
        #expect(ended?.attempts == 3)
        #expect(breaker.state == .open)
        #expect(failing.attempts == 2)
    }

    @Test func aReceiverThatNeverAnswersDoesNotHoldUpObservations() async throws {
        let recording = RecordingChannel()
        let dispatcher = AlertDispatcher(channels: [HangingChannel(), recording], configuration: .quick())
        let manager = try AlertManager(dispatcher: dispatcher)
        try await withDispatcher(dispatcher) {
            var delivered = recording.delivered.makeAsyncIterator()
            for index in 0..<20 {
                await manager.observe(Self.down(Double(index), service: "svc-\(index)"))
            }
            // The other channel's lane is not held up by the hanging one.
            for _ in 0..<40 { #expect(await delivered.next() != nil) }
        }
    }
}

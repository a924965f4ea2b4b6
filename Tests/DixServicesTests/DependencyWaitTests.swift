import DixServices
import Testing

@Suite("Dependency wait")
struct DependencyWaitTests {
    @Test func tcpPortThatAccepts() async throws {
        try await TestHTTPServer.with { base in
            let port = Int(base.split(separator: ":").last!)!
            let result = try await DependencyWaiter().wait(
                for: DependencyWait(target: .tcp(host: "127.0.0.1", port: port), timeout: .seconds(5)))
            #expect(result.attempts == 1)
        }
    }

    @Test func tcpPortThatNeverAcceptsTimesOut() async throws {
        let port = try unusedPort()
        let wait = DependencyWait(
            target: .tcp(host: "127.0.0.1", port: port), timeout: .milliseconds(400),
            interval: .milliseconds(100))
        do {
            _ = try await DependencyWaiter().wait(for: wait)
            Issue.record("waiting on a closed port succeeded")
        } catch let error as DependencyWaitError {
            #expect(error.attempts >= 1)
            #expect(error.timeout == .milliseconds(400))
            #expect(error.target == "tcp://127.0.0.1:\(port)")
            #expect(error.lastFailure.contains("refused"))
        }
    }

    @Test func httpCheckThatPasses() async throws {
        try await TestHTTPServer.with { base in
            let result = try await DependencyWaiter().wait(
                for: DependencyWait(target: .http(HTTPCheck(url: base + "/json/bool-true", jsonPath: "status.healthy"))))
            #expect(result.attempts == 1)
        }
    }

    @Test func httpCheckThatNeverPassesTimesOut() async throws {
        try await TestHTTPServer.with { base in
            let wait = DependencyWait(
                target: .http(HTTPCheck(url: base + "/status/503")), timeout: .milliseconds(400),
                interval: .milliseconds(100))
            await #expect(throws: DependencyWaitError.self) { try await DependencyWaiter().wait(for: wait) }
        }
    }

    @Test func becomesReadyWhileWaiting() async throws {
        let port = try unusedPort()
        let (failures, failed) = AsyncStream.makeStream(of: String.self)
        let waiting = Task {
            try await DependencyWaiter().wait(
                for: DependencyWait(
                    target: .tcp(host: "127.0.0.1", port: port), timeout: .seconds(20),
                    interval: .milliseconds(100)),
                onAttempt: { _, failure in failed.yield(failure) })
        }
        // The server comes up only after the waiter has been refused once.
        var refusals = failures.makeAsyncIterator()
        #expect(await refusals.next()?.contains("refused") == true)
        try await TestHTTPServer.with(port: port) { _ in
            let result = try await waiting.value
            #expect(result.attempts > 1, "it failed before the server came up, then succeeded")
        }
    }
}

import DixServices
import Foundation
import Testing

/// The HTTP check against a real local HTTP server (python3 http.server on 127.0.0.1).
@Suite("HTTP health check")
struct HTTPCheckTests {
    let checker = HTTPHealthChecker()

    @Test func healthyOnAnySuccessStatus() async throws {
        try await TestHTTPServer.with { base in
            let result = try await checker.check(HTTPCheck(url: base + "/text"))
            #expect(result.healthy)
            #expect(result.failure == nil)
            #expect(result.statusCode == 200)
            #expect(result.body == "all systems nominal")
            #expect(result.responseTimeMilliseconds > 0)

            let created = try await checker.check(HTTPCheck(url: base + "/status/204"))
            #expect(created.healthy, "204 is a 2xx")
        }
    }

    @Test func badStatus() async throws {
        try await TestHTTPServer.with { base in
            let unavailable = try await checker.check(HTTPCheck(url: base + "/status/503"))
            #expect(!unavailable.healthy)
            #expect(unavailable.statusCode == 503)
            #expect(unavailable.failure?.kind == .badStatus)
            #expect(unavailable.failure?.message == "status 503, expected 2xx")

            let exact = try await checker.check(
                HTTPCheck(url: base + "/status/200", expectedStatus: .exactly(204)))
            #expect(exact.failure?.kind == .badStatus)
            let exactMatch = try await checker.check(
                HTTPCheck(url: base + "/status/418", expectedStatus: .exactly(418)))
            #expect(exactMatch.healthy)
        }
    }

    @Test func methodAndHeadersAreSent() async throws {
        try await TestHTTPServer.with { base in
            let without = try await checker.check(HTTPCheck(url: base + "/headers"))
            #expect(without.statusCode == 401)
            let with = try await checker.check(
                HTTPCheck(url: base + "/headers", headers: ["X-Token": "secret"]))
            #expect(with.healthy)
        }
    }

    @Test func bodySubstring() async throws {
        try await TestHTTPServer.with { base in
            let found = try await checker.check(HTTPCheck(url: base + "/text", bodyContains: "nominal"))
            #expect(found.healthy)
            let missing = try await checker.check(HTTPCheck(url: base + "/text", bodyContains: "degraded"))
            #expect(!missing.healthy)
            #expect(missing.failure?.kind == .badBody)
            #expect(missing.failure?.message.contains("degraded") == true)
        }
    }

    @Test(arguments: [
        ("bool-true", "status.healthy", true),
        ("bool-false", "status.healthy", false),
        ("string-up", "status.healthy", true),
        ("string-ready", "status.healthy", true),
        ("string-down", "status.healthy", false),
        ("number-3", "status.healthy", true),
        ("number-0", "status.healthy", false),
        ("null", "status.healthy", false),
        ("array", "checks.0.ok", true),
        ("array", "checks.1.ok", false),
    ])
    func jsonPathIsJudgedByType(body: String, path: String, healthy: Bool) async throws {
        try await TestHTTPServer.with { base in
            let result = try await checker.check(HTTPCheck(url: base + "/json/" + body, jsonPath: path))
            #expect(result.healthy == healthy)
            #expect(result.jsonValue != nil)
            if !healthy { #expect(result.failure?.kind == .badBody) }
        }
    }

    @Test func jsonPathMissingOrBodyNotJSON() async throws {
        try await TestHTTPServer.with { base in
            let missing = try await checker.check(
                HTTPCheck(url: base + "/json/array", jsonPath: "checks.7.ok"))
            #expect(missing.failure?.kind == .badBody)
            #expect(missing.failure?.message == "JSON path checks.7.ok is not in the body")
            let notJSON = try await checker.check(HTTPCheck(url: base + "/notjson", jsonPath: "a"))
            #expect(notJSON.failure?.kind == .badBody)
            #expect(notJSON.failure?.message == "body is not JSON")
        }
    }

    @Test func keepsAtMostOneKilobyteOfBody() async throws {
        try await TestHTTPServer.with { base in
            let result = try await checker.check(HTTPCheck(url: base + "/big", bodyContains: "xxx"))
            #expect(result.healthy)
            #expect(result.body?.utf8.count == HTTPHealthChecker.keptBodyBytes)
        }
    }

    @Test func timeout() async throws {
        try await TestHTTPServer.with { base in
            let started = ContinuousClock.now
            let result = try await checker.check(
                HTTPCheck(url: base + "/slow", timeout: .milliseconds(500)))
            #expect(ContinuousClock.now - started < .milliseconds(2900), "did not wait for the answer")
            #expect(!result.healthy)
            #expect(result.failure?.kind == .timeout)
        }
    }

    @Test func refused() async throws {
        let port = try unusedPort()
        let result = try await checker.check(HTTPCheck(url: "http://127.0.0.1:\(port)/health"))
        #expect(!result.healthy)
        #expect(result.failure?.kind == .refused)
        #expect(result.failure?.url == "http://127.0.0.1:\(port)/health")
    }

    @Test func tlsFailure() async throws {
        // A plain HTTP server spoken to over TLS fails the handshake.
        try await TestHTTPServer.with { base in
            let url = base.replacingOccurrences(of: "http://", with: "https://") + "/text"
            let result = try await checker.check(HTTPCheck(url: url, timeout: .seconds(3)))
            #expect(!result.healthy)
            #expect(result.failure?.kind == .tls, "\(String(describing: result.failure))")
        }
    }

    /// Cancelling checks in flight must not wedge anything (FoundationNetworking's own
    /// `data(for:)` can deadlock when cancelled while its response arrives).
    @Test(.timeLimit(.minutes(1))) func cancellingChecksInFlight() async throws {
        try await TestHTTPServer.with { base in
            for round in 0..<5 {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<10 {
                        let path = index.isMultiple(of: 2) ? "/slow" : "/text"
                        group.addTask { _ = try? await checker.check(HTTPCheck(url: base + path)) }
                    }
                    try? await Task.sleep(for: .milliseconds(5 * round))
                    group.cancelAll()
                }
            }
            // Node checks whose first call fails cancel the second call in flight.
            for _ in 0..<10 {
                await #expect(throws: NodeSyncError.self) {
                    try await NodeSyncChecker().check(NodeSyncCheck(url: base + "/rpc/error"))
                }
            }
            let afterwards = try await checker.check(HTTPCheck(url: base + "/text"))
            #expect(afterwards.healthy)
        }
    }

    @Test func invalidURL() async throws {
        let result = try await checker.check(HTTPCheck(url: "ftp://example.invalid/x"))
        #expect(result.failure?.kind == .invalidRequest)
    }

    @Test func expectedStatusCodesAsNumberOrTwoXX() throws {
        let decoded = try JSONDecoder().decode(
            [ExpectedStatus].self, from: Data(#"[200, "2xx", "404"]"#.utf8))
        #expect(decoded == [.exactly(200), .anySuccess, .exactly(404)])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([ExpectedStatus].self, from: Data(#"["3xx"]"#.utf8))
        }
    }
}

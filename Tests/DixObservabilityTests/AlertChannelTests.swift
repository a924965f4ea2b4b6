import DixObservability
import Foundation
import Testing

@Suite("Alert channels against real receivers")
struct AlertChannelTests {
    static let origin = Date(timeIntervalSince1970: 1_800_000_000)
    static let alert = Alert(
        type: .highMemory, severity: .critical, service: "geth", message: "geth uses 4.5 GiB of memory",
        labels: ["chain": "mainnet"], startsAt: origin)

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func webhookPostsAlertmanagerVersion4JSON() async throws {
        let receiver = WebhookReceiver()
        let body = try await receiver.serve { url in
            try await WebhookAlertChannel(url: url).deliver(AlertNotification(alert: Self.alert))
            var iterator = receiver.bodies.makeAsyncIterator()
            return await iterator.next()
        }
        let payload = try Self.json(try #require(body))
        #expect(payload["version"] as? String == "4")
        #expect(payload["status"] as? String == "firing")
        #expect(payload["receiver"] as? String == "dixmgr")
        #expect(payload["groupKey"] as? String == #"{}:{alertname="high_memory", service="geth"}"#)
        let alerts = try #require(payload["alerts"] as? [[String: Any]])
        #expect(alerts.count == 1)
        let first = try #require(alerts.first)
        #expect(first["status"] as? String == "firing")
        #expect(first["fingerprint"] as? String == Self.alert.fingerprint)
        #expect(first["labels"] as? [String: String] == [
            "alertname": "high_memory", "service": "geth", "severity": "critical", "chain": "mainnet",
        ])
        #expect((first["annotations"] as? [String: String])?["description"] == Self.alert.message)
        #expect(first["startsAt"] as? String == "2027-01-15T08:00:00.000Z")
        #expect(first["endsAt"] as? String == "0001-01-01T00:00:00Z")
        // Existing receivers decode it with Alertmanager's schema.
        let decoded = try JSONDecoder().decode(AlertmanagerWebhookPayload.self, from: try #require(body))
        #expect(decoded.alerts.first?.fingerprint == Self.alert.fingerprint)
    }

    @Test func webhookResolutionCarriesEndsAt() async throws {
        var alert = Self.alert
        alert.endsAt = Self.origin.addingTimeInterval(90)
        let resolved = alert
        let receiver = WebhookReceiver()
        let body = try await receiver.serve { url in
            try await WebhookAlertChannel(url: url).deliver(AlertNotification(alert: resolved))
            var iterator = receiver.bodies.makeAsyncIterator()
            return await iterator.next()
        }
        let payload = try Self.json(try #require(body))
        #expect(payload["status"] as? String == "resolved")
        let first = try #require((payload["alerts"] as? [[String: Any]])?.first)
        #expect(first["endsAt"] as? String == "2027-01-15T08:01:30.000Z")
    }

    @Test func aFailingReceiverIsRetriedByTheDispatcherUntilItAccepts() async throws {
        let receiver = WebhookReceiver(statuses: [.internalServerError, .serviceUnavailable])
        let (outcomes, outcome) = AsyncStream.makeStream(of: AlertDispatcher.Outcome.self)
        let result = try await receiver.serve { url in
            let dispatcher = AlertDispatcher(
                channels: [WebhookAlertChannel(url: url)], configuration: .quick(),
                onOutcome: { outcome.yield($0) })
            return try await withDispatcher(dispatcher) {
                dispatcher.enqueue(AlertNotification(alert: Self.alert))
                var iterator = outcomes.makeAsyncIterator()
                return await iterator.next()
            }
        }
        #expect(result?.result == .delivered)
        #expect(result?.attempts == 3)
        #expect(receiver.requests == 3)
    }

    /// Deliveries cancelled in flight (the dispatcher stopping) must not wedge anything:
    /// FoundationNetworking's own `data(for:)`, cancelled as its answer arrives, can stop two
    /// threads for good (it did, within 60 s, in 6 of the first 7 runs of this test). The
    /// receiver is python3's http.server: Hummingbird's, stopped with connections its clients
    /// abandoned, traps in NIO ("Deinited NIOAsyncWriter without calling finish()").
    @Test(.timeLimit(.minutes(1))) func cancellingDeliveriesInFlight() async throws {
        let python = try #require(ExternalTool.python3)
        let server = try ProcessLines(executable: python.path, arguments: ["-c", Self.postReceiver])
        defer { server.stop() }
        var lines = server.lines.makeAsyncIterator()
        let port = try #require(await lines.next().flatMap { Int($0) })
        let url = try #require(URL(string: "http://127.0.0.1:\(port)/hook"))
        for round in 0..<10 {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask { try? await WebhookAlertChannel(url: url).deliver(AlertNotification(alert: Self.alert)) }
                }
                try? await Task.sleep(for: .microseconds(500 * round))
                group.cancelAll()
            }
        }
        try await WebhookAlertChannel(url: url).deliver(AlertNotification(alert: Self.alert))
    }

    /// Answers every POST with 200 on a free loopback port, which it prints; exits when its
    /// standard input closes.
    static let postReceiver = #"""
        import http.server, sys, threading

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args):
                pass
            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        print(server.server_address[1], flush=True)
        sys.stdin.read()
        """#

    @Test func aWebhookErrorSaysWhatTheReceiverAnswered() async throws {
        let receiver = WebhookReceiver(statuses: [.badGateway])
        _ = try await receiver.serve { url in
            await #expect(throws: AlertDeliveryError.self) {
                try await WebhookAlertChannel(url: url).deliver(AlertNotification(alert: Self.alert))
            }
        }
    }

    @Test(arguments: [
        (AlertSeverity.critical, false, "#d50200"), (.warning, false, "#ff9f00"), (.info, false, "#439fe0"),
        (.critical, true, "#2eb886"),
    ])
    func slackPostsAnAttachmentColoredBySeverity(severity: AlertSeverity, resolved: Bool, color: String) async throws {
        var built = Self.alert
        built.severity = severity
        if resolved { built.endsAt = Self.origin.addingTimeInterval(60) }
        let alert = built
        let receiver = WebhookReceiver()
        let body = try await receiver.serve { url in
            try await SlackAlertChannel(webhookURL: url, channel: "#ops").deliver(AlertNotification(alert: alert))
            var iterator = receiver.bodies.makeAsyncIterator()
            return await iterator.next()
        }
        let payload = try Self.json(try #require(body))
        #expect(payload["channel"] as? String == "#ops")
        let attachment = try #require((payload["attachments"] as? [[String: Any]])?.first)
        #expect(attachment["color"] as? String == color)
        #expect(attachment["text"] as? String == alert.message)
        #expect((payload["text"] as? String)?.contains(resolved ? "RESOLVED" : "FIRING") == true)
    }

    @Test(.enabled(if: SMTPReceiver.available, SMTPReceiver.missingReason))
    func emailIsSentOverSMTPToARealServer() async throws {
        let python = try #require(ExternalTool.python3)
        let mailbox = try TemporaryDirectory.make().appendingPathComponent("mailbox")
        let server = try ProcessLines(executable: python.path, arguments: ["-c", SMTPReceiver.script, mailbox.path])
        defer { server.stop() }
        var lines = server.lines.makeAsyncIterator()
        let port = try #require(await lines.next().flatMap { Int($0) })
        let channel = EmailAlertChannel(smtp: SMTPConfiguration(
            url: "smtp://127.0.0.1:\(port)", from: "dixmgr@example.org", to: ["ops@example.org", "oncall@example.org"],
            security: .none))
        try await channel.deliver(AlertNotification(alert: Self.alert))
        #expect(await lines.next() == "message")
        let received = try String(contentsOf: mailbox, encoding: .utf8)
        #expect(received.contains("MAIL FROM: dixmgr@example.org"))
        #expect(received.contains("RCPT TO: ops@example.org,oncall@example.org"))
        #expect(received.contains("Subject: [FIRING:critical] high_memory geth"))
        #expect(received.contains("geth uses 4.5 GiB of memory"))
        #expect(received.contains("X-Dixmgr-Fingerprint: \(Self.alert.fingerprint)"))
    }

    @Test func emailToAClosedPortIsADeliveryError() async throws {
        let channel = EmailAlertChannel(smtp: SMTPConfiguration(
            url: "smtp://127.0.0.1:1", from: "dixmgr@example.org", to: ["ops@example.org"], security: .none,
            timeout: .seconds(5)))
        await #expect(throws: AlertDeliveryError.self) {
            try await channel.deliver(AlertNotification(alert: Self.alert))
        }
    }

    @Test func logChannelAcceptsEverything() async throws {
        try await LogAlertChannel().deliver(AlertNotification(alert: Self.alert))
        var resolved = Self.alert
        resolved.endsAt = Self.origin
        try await LogAlertChannel().deliver(AlertNotification(alert: resolved))
        #expect(LogAlertChannel().name == "log")
    }
}

import DixHost
import DixObservability
import DixServices
import Foundation
import Testing

@Suite struct ConfigTests {
    @Test func theShippedConfigurationLoads() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../conf/dixmgr.toml").path
        let config = try DixmgrConfig.load(path: path)
        #expect(config.statePath == ".dixmgr/state.db")
        #expect(config.activityConcurrency["demo.greet"] == 4)
        #expect(config.services.processManager == .systemd)
        #expect(config.services.mode == .watch)
        // It lists the monitoring keys with their defaults.
        #expect(config.metrics == MetricsConfig())
        #expect(config.alerts == AlertsConfig())
        #expect(config.healthHistoryRetentionDays == 30)
        #expect(config.monitors.isEmpty)
    }

    @Test func everyKeyIsRead() throws {
        let config = try DixmgrConfig.parse(
            """
            [engine]
            state_path = "/var/lib/dixmgr/state.db"
            synchronous = "normal"
            lease_seconds = 3
            shutdown_grace_seconds = 2.5
            history_warning_events = 100
            history_limit_events = 200
            retention_days = 7
            maximum_concurrent_runs = 50
            [engine.activity_concurrency]
            "services.restart" = 1
            [services]
            process_manager = "direct"
            mode = "execute"
            systemctl = ["systemctl", "--user"]
            state_directory = "/tmp/dix"
            [[services.direct]]
            name = "node"
            command = "/bin/sleep"
            arguments = ["100"]
            environment = { RUST_LOG = "info" }
            restart = "always"
            maximum_restarts = 3
            [log]
            level = "debug"
            """, file: "test.toml")
        #expect(config.statePath == "/var/lib/dixmgr/state.db")
        #expect(config.synchronous == "normal")
        #expect(config.workerConfiguration.leaseDuration == .seconds(3))
        #expect(config.workerConfiguration.shutdownGracePeriod == .milliseconds(2500))
        #expect(config.workerConfiguration.retention == .seconds(7 * 86_400))
        #expect(config.workerConfiguration.activityConcurrency == ["services.restart": 1])
        #expect(config.services.processManager == .direct)
        #expect(config.services.mode == .execute)
        #expect(config.services.systemctl == ["systemctl", "--user"])
        #expect(config.services.direct.first?.name == "node")
        #expect(config.services.direct.first?.arguments == ["100"])
        #expect(config.services.direct.first?.environment == ["RUST_LOG": "info"])
        #expect(config.services.direct.first?.restartPolicy == .always)
        #expect(config.services.direct.first?.maximumRestarts == 3)
        #expect(config.logLevel == "debug")
    }

    @Test func monitoringSectionsAreRead() throws {
        let config = try DixmgrConfig.parse(
            """
            [metrics]
            enabled = false
            host = "0.0.0.0"
            port = 9200
            namespace = "edge"
            [health_history]
            path = "/var/lib/dixmgr/health.db"
            retention_days = 90
            [alerts]
            cpu_warning_percent = 70
            cpu_critical_percent = 90
            memory_warning_bytes = 1073741824
            memory_critical_bytes = 2147483648
            restart_loop_count = 5
            disabled_rules = ["high_disk_io"]
            repeat_interval_seconds = 600
            [[alerts.channels]]
            type = "webhook"
            url = "http://127.0.0.1:9093/hook"
            [[alerts.channels]]
            type = "slack"
            webhook_url = "https://hooks.slack.com/services/T/B/X"
            channel = "#ops"
            [[alerts.channels]]
            type = "email"
            url = "smtp://127.0.0.1:2525"
            from = "dixmgr@example.com"
            to = ["ops@example.com"]
            security = "none"
            [[monitor]]
            service = "nginx"
            interval_seconds = 15
            restart_after_failures = 3
            [monitor.http]
            url = "http://127.0.0.1/health"
            expected_status = 200
            json_path = "status"
            timeout_seconds = 2
            headers = { Host = "example.com" }
            [[monitor]]
            service = "polkadot"
            resources = false
            chain = "polkadot"
            [monitor.node_sync]
            url = "http://127.0.0.1:9933"
            maximum_blocks_behind = 5
            stall_seconds = 600
            """, file: "test.toml")
        #expect(config.metrics.enabled == false)
        #expect(config.metrics.host == "0.0.0.0")
        #expect(config.metrics.port == 9200)
        #expect(config.metrics.namespace == "edge")
        #expect(config.healthHistoryPath == "/var/lib/dixmgr/health.db")
        #expect(config.healthHistoryRetentionDays == 90)
        #expect(config.alerts.thresholds.cpuWarningPercent == 70)
        #expect(config.alerts.thresholds.memoryCriticalBytes == 2 << 30)
        #expect(config.alerts.thresholds.restartLoopCount == 5)
        #expect(config.alerts.thresholds.minimumPeers == AlertThresholds().minimumPeers)
        #expect(config.alerts.disabledRules == ["high_disk_io"])
        #expect(config.alerts.repeatIntervalSeconds == 600)
        #expect(config.alerts.channels == [
            .webhook(url: URL(string: "http://127.0.0.1:9093/hook")!),
            .slack(webhookURL: URL(string: "https://hooks.slack.com/services/T/B/X")!, channel: "#ops"),
            .email(SMTPConfiguration(url: "smtp://127.0.0.1:2525", from: "dixmgr@example.com", to: ["ops@example.com"], security: .none)),
        ])
        #expect(config.monitors.map(\.service) == ["nginx", "polkadot"])
        let nginx = config.monitors[0]
        #expect(nginx.intervalSeconds == 15 && nginx.restartAfterFailures == 3 && nginx.checkStatus && nginx.sampleResources)
        #expect(nginx.http == HTTPCheck(
            url: "http://127.0.0.1/health", headers: ["Host": "example.com"], timeout: .seconds(2),
            expectedStatus: .exactly(200), jsonPath: "status"))
        let node = config.monitors[1]
        #expect(node.chain == "polkadot" && !node.sampleResources && node.http == nil)
        #expect(node.nodeSync == NodeSyncCheck(url: "http://127.0.0.1:9933", maximumBlocksBehind: 5, stallWindow: .seconds(600)))
    }

    @Test func withoutMonitoringSectionsTheDefaultsHold() throws {
        let config = try DixmgrConfig.parse("", file: "empty.toml")
        #expect(config.metrics == MetricsConfig())
        #expect(config.metrics.port == 9090 && config.metrics.host == "127.0.0.1" && config.metrics.namespace == "dixmgr")
        #expect(config.alerts.channels == [.log])
        #expect(config.alerts.thresholds == AlertThresholds())
        #expect(config.monitors.isEmpty)
        #expect(config.healthHistoryPath == nil)
    }

    @Test(arguments: [
        ("[metrics]\nport = 70000\n", 2, "[metrics] port: must be at most 65535"),
        ("[metrics]\nnamespace = \"9lives\"\n", 2, "invalid metrics namespace"),
        ("[metrics]\nenabled = \"yes\"\n", 2, "enabled: expected true or false"),
        ("[alerts]\ndisabled_rules = [\"high_cpu\", \"loud\"]\n", 2, "no rule named loud"),
        ("[alerts]\ncpu_warning_percent = 99\n", 2, "must not exceed cpu_critical_percent"),
        ("[alerts]\n[[alerts.channels]]\ntype = \"pager\"\n", 3, "type: must be one of log, webhook, slack, email"),
        ("[alerts]\n[[alerts.channels]]\ntype = \"log\"\n[[alerts.channels]]\ntype = \"email\"\nurl = \"smtp://h\"\nfrom = \"a@b\"\n", 5,
         "an email channel needs to"),
        ("[alerts]\n[[alerts.channels]]\ntype = \"webhook\"\nurl = \"ftp://x\"\n", 4, "url: expected an http(s) URL"),
        ("[[monitor]]\nservice = \"a\"\n[[monitor]]\nservice = \"b\"\nintervals = 3\n", 5, "[monitor] intervals: unknown key"),
        ("[[monitor]]\nservice = \"a\"\nstatus = false\n", 2, "nothing to check"),
        ("[[monitor]]\nservice = \"a\"\n[[monitor]]\nservice = \"a\"\n", 4, "a has two [[monitor]] tables"),
        ("[[monitor]]\ninterval_seconds = 3\n", 1, "[[monitor]] needs a service"),
        ("[[monitor]]\nservice = \"a\"\n[monitor.http]\nurl = \"http://h/\"\nexpected_status = \"3xx\"\n", 5,
         "expected_status: expected a status code"),
        ("[[monitor]]\nservice = \"a\"\n[monitor.node_sync]\nstall_seconds = 5\n", 3, "[monitor.node_sync] needs a url"),
    ] as [(String, Int?, String)])
    func badMonitoringConfigurationNamesFileLineAndKey(text: String, line: Int?, message: String) {
        #expect {
            try DixmgrConfig.parse(text, file: "bad.toml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.file == "bad.toml" && (line == nil || error.line == line) && error.description.contains(message)
        }
    }

    @Test(arguments: [
        ("[engine]\nlease_seconds = \"ten\"\n", 2, "lease_seconds: expected a number"),
        ("[engine]\n\nleases = 3\n", 3, "leases: unknown key"),
        ("[engine\n", 1, "invalid TOML"),
        ("[engine]\nhistory_warning_events = 10\nhistory_limit_events = 5\n", 2, "must not exceed"),
        ("[engine]\nhistory_limit_events = 5000000000\n", 2, "history_limit_events: must be at most 2147483648"),
        ("[services]\nprocess_manager = \"launchd\"\n", 2, "must be one of systemd, direct"),
        ("[services]\n[[services.direct]]\nname = \"x\"\n", nil, "needs a command"),
        ("[services]\n[[services.direct]]\nname = \"../x\"\ncommand = \"/bin/true\"\n", 3, "[[services.direct]] ../x"),
        ("[log]\nlevel = \"loud\"\n", 2, "level: must be one of"),
        ("[bogus]\n", 1, "bogus: unknown key"),
    ] as [(String, Int?, String)])
    func badConfigurationNamesFileLineAndKey(text: String, line: Int?, message: String) {
        #expect {
            try DixmgrConfig.parse(text, file: "bad.toml")
        } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.file == "bad.toml" && (line == nil || error.line == line) && error.description.contains(message)
        }
    }

    @Test func missingFileIsAClearError() {
        #expect(throws: ConfigError.self) { try DixmgrConfig.load(path: "/nonexistent/dixmgr.toml") }
    }
}

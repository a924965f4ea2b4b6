import DixHost
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

    @Test(arguments: [
        ("[engine]\nlease_seconds = \"ten\"\n", 2, "lease_seconds: expected a number"),
        ("[engine]\n\nleases = 3\n", 3, "leases: unknown key"),
        ("[engine\n", 1, "invalid TOML"),
        ("[engine]\nhistory_warning_events = 10\nhistory_limit_events = 5\n", 2, "must not exceed"),
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

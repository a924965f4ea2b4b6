import DixServices
import Testing

@Suite("Process manager kind")
struct ProcessManagerKindTests {
    @Test(arguments: [("systemd", ProcessManagerKind.systemd), ("direct", .direct), (" Direct ", .direct)])
    func parses(text: String, kind: ProcessManagerKind) throws {
        #expect(try ProcessManagerKind(parsing: text) == kind)
    }

    @Test func rejectsUnknownKinds() {
        do {
            _ = try ProcessManagerKind(parsing: "upstart")
            Issue.record("upstart was accepted")
        } catch {
            #expect(error.code == .invalidConfiguration)
            #expect(error.message.contains("upstart"))
        }
    }

    @Test func factoryBuildsEachBackendInTheAskedMode() throws {
        let systemd = try ProcessManagerKind.systemd.makeManager(ServiceManagerConfiguration(mode: .execute))
        #expect(systemd is SystemdServiceManager)
        #expect(systemd.mode == .execute)
        let direct = try ProcessManagerKind.direct.makeManager(
            ServiceManagerConfiguration(direct: DirectManagerConfiguration(stateDirectory: "/tmp/x")))
        #expect(direct is DirectProcessManager)
        #expect(direct.mode == .watch, "watch unless execute is asked for")
        #expect(throws: ServiceManagerError.self) {
            try ProcessManagerKind.direct.makeManager(ServiceManagerConfiguration())
        }
        let twice = DirectServiceDefinition(name: "node", executable: "/bin/true")
        #expect(throws: ServiceManagerError.self) {
            try ProcessManagerKind.direct.makeManager(
                ServiceManagerConfiguration(
                    direct: DirectManagerConfiguration(stateDirectory: "/tmp/x", services: [twice, twice])))
        }
        let badName = DirectServiceDefinition(name: "../node", executable: "/bin/true")
        #expect(throws: ServiceManagerError.self) {
            try ProcessManagerKind.direct.makeManager(
                ServiceManagerConfiguration(
                    direct: DirectManagerConfiguration(stateDirectory: "/tmp/x", services: [badName])))
        }
    }
}

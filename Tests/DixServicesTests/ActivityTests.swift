import DixEngine
import DixServices
import Foundation
import Logging
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Each operation through the engine's Activity protocol, with JSON round trips of the
/// inputs and outputs the engine records.
@Suite("Activities")
struct ActivityTests {
    static func context(_ name: String) -> ActivityContext {
        ActivityContext(
            attempt: 1, workflowID: "w", runID: "r", activityName: name, stepIndex: 0,
            logger: quietLogger)
    }

    static func roundTrip<T: Codable & Equatable>(_ value: T) throws -> T {
        try JSONDecoder().decode(T.self, from: JSONEncoder().encode(value))
    }

    static func run<A: Activity>(_ activity: A, _ input: A.Input) async throws -> A.Output
    where A.Input: Equatable, A.Output: Equatable {
        let decodedInput = try roundTrip(input)
        #expect(decodedInput == input)
        let output = try await activity.run(decodedInput, context: context(A.name))
        #expect(try roundTrip(output) == output)
        return output
    }

    @Test func namesAreDistinct() {
        let names = [
            StartServiceActivity.name, StopServiceActivity.name, RestartServiceActivity.name,
            ServiceStatusActivity.name, RecentOutputActivity.name, ListServicesActivity.name,
            HTTPCheckActivity.name, NodeSyncCheckActivity.name, ResourceSampleActivity.name,
            DependencyWaitActivity.name,
        ]
        #expect(Set(names).count == names.count)
    }

    @Test func serviceActivitiesDriveTheDirectManager() async throws {
        try await withTemporaryDirectory { directory in
            let definition = DirectServiceDefinition(
                name: "worker", executable: "/bin/sh", arguments: ["-c", "echo working; exec sleep 1000"])
            let manager = DirectProcessManager(
                mode: .execute,
                configuration: DirectManagerConfiguration(stateDirectory: directory, services: [definition]),
                logger: quietLogger)
            let request = ServiceRequest(service: "worker")
            let started = try await Self.run(StartServiceActivity(manager: manager), request)
            #expect(started.performed)
            let status = try await Self.run(ServiceStatusActivity(manager: manager), request)
            #expect(status.isActive)
            let restarted = try await Self.run(RestartServiceActivity(manager: manager), request)
            #expect(restarted.status?.mainPID != status.mainPID)
            #expect(try await eventually {
                try await RecentOutputActivity(manager: manager)
                    .run(RecentOutputRequest(service: "worker", lines: 5), context: Self.context("o"))
                    .lines.contains("working")
            })
            let output = try await Self.run(
                RecentOutputActivity(manager: manager), RecentOutputRequest(service: "worker", lines: 1))
            #expect(output.lines == ["working"])
            let list = try await Self.run(ListServicesActivity(manager: manager), ListServicesRequest())
            #expect(list.services.map(\.name) == ["worker"])
            let stopped = try await Self.run(StopServiceActivity(manager: manager), request)
            #expect(stopped.performed)
            #expect(stopped.status?.activeState == .inactive)
        }
    }

    @Test func checkActivities() async throws {
        try await TestHTTPServer.with { base in
            let http = try await Self.run(
                HTTPCheckActivity(), HTTPCheck(url: base + "/json/array", jsonPath: "checks.0.ok"))
            #expect(http.healthy)
            #expect(http.jsonValue == .bool(true))

            let unhealthy = HTTPCheck(url: base + "/status/500")
            #expect(try await !HTTPCheckActivity().run(unhealthy, context: Self.context("h")).healthy)
            await #expect(throws: HTTPCheckFailure.self) {
                try await HTTPCheckActivity(throwsWhenUnhealthy: true).run(unhealthy, context: Self.context("h"))
            }

            let node = try await Self.run(NodeSyncCheckActivity(), NodeSyncCheck(url: base + "/rpc/synced"))
            #expect(node.synced)

            let port = Int(base.split(separator: ":").last!)!
            let waited = try await Self.run(
                DependencyWaitActivity(), DependencyWait(target: .tcp(host: "127.0.0.1", port: port)))
            #expect(waited.attempts == 1)
        }
        let sample = try await Self.run(
            ResourceSampleActivity(), ResourceSampleRequest(pid: getpid(), includeChildren: true))
        #expect(sample.usage?.pid == getpid())
    }
}

import DixServices
import Testing

@Suite("Restart decisions")
struct RestartDecisionTests {
    static let crash = ProcessExit(code: 3)
    static let clean = ProcessExit(code: 0)
    static let killed = ProcessExit(signal: 9)
    static let unknown = ProcessExit()

    @Test func policies() {
        func decide(_ exit: ProcessExit, _ policy: RestartPolicy, restarts: Int = 0, maximum: Int? = 5, stop: Bool = false)
            -> RestartDecision
        {
            RestartDecision.decide(
                after: exit, policy: policy, restartsSoFar: restarts, maximumRestarts: maximum, stopRequested: stop)
        }
        #expect(decide(Self.crash, .never) == .stayDown(failed: true))
        #expect(decide(Self.clean, .never) == .stayDown(failed: false))
        #expect(decide(Self.crash, .onFailure) == .restart)
        #expect(decide(Self.killed, .onFailure) == .restart)
        #expect(decide(Self.unknown, .onFailure) == .restart)
        #expect(decide(Self.clean, .onFailure) == .stayDown(failed: false))
        #expect(decide(Self.clean, .always) == .restart)
        #expect(decide(Self.crash, .always, stop: true) == .stayDown(failed: false))
        #expect(decide(Self.crash, .onFailure, restarts: 5) == .giveUp(reason: "exited with code 3; maximum restart count 5 reached"))
        #expect(decide(Self.crash, .onFailure, restarts: 500, maximum: nil) == .restart)
        #expect(decide(Self.crash, .onFailure, restarts: 0, maximum: 0) != .restart)
    }

    @Test func policyNamesMatchTheConfigSpelling() throws {
        #expect(RestartPolicy.allCases.map(\.rawValue) == ["never", "on-failure", "always"])
    }
}

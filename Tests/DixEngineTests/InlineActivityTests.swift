import DixEngine
import Foundation
import Synchronization
import Testing

/// An activity that does not suspend runs in the workflow code's own task and job (see
/// `RunDriver`, "Activities run in the code's job"); one that suspends, or is canceled, behaves
/// as an activity in a task of its own does.
@Suite struct InlineActivityTests {
    /// The task each workflow code and activity ran in, by a key the test chooses.
    static let tasks = Mutex<[String: Int]>([:])

    static func noteTask(_ key: String) {
        let task = withUnsafeCurrentTask { $0?.hashValue }
        tasks.withLock { $0[key] = task }
    }

    static func task(_ key: String) -> Int? { tasks.withLock { $0[key] } }

    /// Notes its task under its input.
    struct NoteTask: Activity {
        static let name = "note-task"
        func run(_ input: String, context: ActivityContext) async throws -> String {
            InlineActivityTests.noteTask(input)
            return input
        }
    }

    /// Notes the code's task, then runs `NoteTask` three times plainly and once with a timeout
    /// (an activity with a timeout to race runs in a task of its own).
    struct TaskProbe: Workflow {
        static let name = "task-probe"
        func run(_ input: String, context: WorkflowContext) async throws -> Int {
            InlineActivityTests.noteTask("\(input)-code")
            for index in 0..<3 { _ = try await context.execute(NoteTask.self, "\(input)-\(index)") }
            _ = try await context.execute(NoteTask.self, "\(input)-timed", options: ActivityOptions(startToCloseTimeout: .seconds(30)))
            return 4
        }
    }

    /// Runs held until the test lets them go.
    static let held = Mutex<(waiting: [String: CheckedContinuation<Void, Never>], released: Set<String>)>(([:], []))

    static func release(_ runID: String) {
        let waiting = held.withLock { held in
            held.released.insert(runID)
            return held.waiting.removeValue(forKey: runID)
        }
        waiting?.resume()
    }

    /// Sleeps its input in milliseconds, or until the test releases its run if negative; notes
    /// whether the sleep was canceled.
    struct Nap: Activity {
        static let name = "inline-nap"
        static let log = ExecutionLog()
        func run(_ input: Int, context: ActivityContext) async throws -> Int {
            guard input >= 0 else {
                await withCheckedContinuation { continuation in
                    let released = InlineActivityTests.held.withLock { held in
                        if held.released.contains(context.runID) { return true }
                        held.waiting[context.runID] = continuation
                        return false
                    }
                    if released { continuation.resume() }
                }
                return input
            }
            InlineActivityTests.noteTask("nap-\(context.runID)-\(context.stepIndex)")
            do {
                try await Task.sleep(for: .milliseconds(input))
            } catch {
                Self.log.append("canceled:\(context.runID)")
                throw error
            }
            return input
        }
    }

    /// Naps for each input in turn and returns the naps' results, then echoes.
    struct Naps: Workflow {
        static let name = "naps"
        func run(_ input: [Int], context: WorkflowContext) async throws -> [String] {
            InlineActivityTests.noteTask("naps-code-\(context.runID)")
            var results: [String] = []
            for milliseconds in input { results.append("\(try await context.execute(Nap.self, milliseconds))") }
            results.append(try await context.execute(Echo.self, "after naps"))
            return results
        }
    }

    /// Computes for a while without suspending: an activity long enough for other steps'
    /// commits to land while it runs in the code's job.
    struct Busy: Activity {
        static let name = "busy"
        func run(_ input: Int, context: ActivityContext) async throws -> UInt64 {
            var value = UInt64(input)
            for _ in 0..<200_000 { value = value &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
            return value
        }
    }

    /// A branch waits on a timer, then takes a step, while the run function steps through busy
    /// activities: the timer's completion is committed amid them, and must reach the branch
    /// before the run function's next step, as on a replay.
    struct StepsBesideTimer: Workflow {
        static let name = "steps-beside-timer"
        static func branch(_ context: WorkflowContext) async throws -> String {
            try await context.sleep(for: .milliseconds(20))
            return try await context.execute(Echo.self, "after the timer")
        }
        func run(_ input: Int, context: WorkflowContext) async throws -> String {
            async let branch = Self.branch(context)
            for index in 0..<input { _ = try await context.execute(Busy.self, index) }
            return try await branch
        }
    }

    /// A task group whose second child fails while the first naps in an activity: the group
    /// cancels the first child's task, which must not reach the activity.
    struct NapBesideFailure: Workflow {
        static let name = "nap-beside-failure"
        struct Failed: Error {}
        func run(_ input: Int, context: WorkflowContext) async throws -> String {
            do {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    group.addTask {
                        // Issued once the other child waits: alone, as the run function's steps are.
                        _ = try await context.execute(Echo.self, "before the nap")
                        return try await context.execute(Nap.self, input)
                    }
                    group.addTask {
                        try await context.sleep(for: .milliseconds(20))
                        throw Failed()
                    }
                    for try await _ in group {}
                }
            } catch is Failed {
                return "failed beside the nap"
            }
            return "no failure"
        }
    }

    func harness() throws -> EngineHarness {
        try EngineHarness { registry in
            registry.register(NoteTask())
            registry.register(TaskProbe.self)
            registry.register(Nap())
            registry.register(Naps.self)
            registry.register(StepsBesideTimer.self)
            registry.register(NapBesideFailure.self)
            registry.register(Busy())
        }
    }

    @Test func anActivityThatDoesNotSuspendRunsInTheCodesTask() async throws {
        let harness = try harness()
        let key = "probe-\(UUID().uuidString)"
        let run = try await harness.worker.start(TaskProbe.self, input: key, id: key)
        #expect(try await harness.worker.waitForClose(runID: run.runID).status == .completed)

        let code = try #require(Self.task("\(key)-code"))
        // The first step is issued while the driver is still busy starting the run: it starts it.
        #expect(try #require(Self.task("\(key)-0")) != code)
        for index in 1..<3 { #expect(Self.task("\(key)-\(index)") == code) }
        // The control: this one runs in its own task, and the comparison tells them apart.
        #expect(try #require(Self.task("\(key)-timed")) != code)
        // One event per step, as before: the completion.
        // (A step slower than the started marker's delay, on a loaded machine, gets one as well.)
        #expect(try await harness.history(key).map(\.kind).filter { $0 != .activityStarted } == [.workflowStarted, .activityCompleted, .activityCompleted, .activityCompleted, .activityCompleted, .workflowCompleted])
        #expect(try await harness.client.replay(key).result == .ok(closedAs: .completed))
        await harness.stop()
    }

    @Test func anActivityThatSuspendsCompletesOnceAndIsShownWhileItRuns() async throws {
        let harness = try harness()
        let run = try await harness.worker.start(Naps.self, input: [-1, 0, 1], id: "naps")
        // Still running after the started marker's delay: recorded, so `show` lists it.
        let started = try await harness.waitForEvent("naps", .activityStarted)
        #expect(started.step == 0)
        Self.release(run.runID)
        #expect(try await harness.worker.waitForClose(runID: run.runID).status == .completed)

        let history = try await harness.history("naps")
        #expect(history.map(\.kind).filter { $0 != .activityStarted } == [
            .workflowStarted, .activityCompleted, .activityCompleted, .activityCompleted, .activityCompleted, .workflowCompleted,
        ])
        #expect(history.filter { $0.kind == .activityCompleted }.map(\.step) == [0, 1, 2, 3])
        // Having suspended once, naps run in tasks of their own; plain activities still do not.
        let second = try await harness.worker.start(Naps.self, input: [0, 1], id: "naps-again")
        #expect(try await harness.worker.waitForClose(runID: second.runID).status == .completed)
        // (Step 0 is issued while the driver starts the run, in its own task either way.)
        #expect(try #require(Self.task("nap-\(second.runID)-1")) != Self.task("naps-code-\(second.runID)"))
        #expect(try await harness.client.replay("naps-again").result == .ok(closedAs: .completed))
        #expect(try await harness.client.result("naps", wait: false).result == Data(#"["-1","0","1","echo after naps"]"#.utf8))
        #expect(try await harness.client.replay("naps").result == .ok(closedAs: .completed))
        await harness.stop()
    }

    @Test func aCancelStopsAnActivityRunningInTheCodesTask() async throws {
        let harness = try harness()
        let run = try await harness.worker.start(Naps.self, input: [60_000], id: "long-nap")
        try await harness.waitForEvent("long-nap", .activityStarted)
        let asked = ContinuousClock.now
        _ = try await harness.client.cancel("long-nap")
        let closed = try await harness.worker.waitForClose(runID: run.runID)
        #expect(closed.status == .canceled)
        // The nap itself was canceled, not waited for.
        #expect(ContinuousClock.now - asked < .seconds(30))
        #expect(Nap.log.count("canceled:\(run.runID)") == 1)
        let kinds = try await harness.history("long-nap").map(\.kind)
        #expect(kinds == [.workflowStarted, .activityStarted, .cancelRequested, .workflowCanceled])
        #expect(try await harness.client.replay("long-nap").result == .ok(closedAs: .canceled))
        await harness.stop()
    }

    @Test func aTimerCommittedAmidStepsInTheCodesJobIsDeliveredInHistoryOrder() async throws {
        let harness = try harness()
        for round in 0..<3 {
            let id = "beside-timer-\(round)"
            let run = try await harness.worker.start(StepsBesideTimer.self, input: 100, id: id)
            #expect(try await harness.worker.waitForClose(runID: run.runID).status == .completed)
            let report = try await harness.client.replay(id)
            #expect(report.result == .ok(closedAs: .completed), "round \(round): \(report.result)")
        }
        await harness.stop()
    }

    @Test func aTaskGroupCancelingItsChildDoesNotReachTheChildsActivity() async throws {
        let harness = try harness()
        let run = try await harness.worker.start(NapBesideFailure.self, input: 300, id: "nap-beside-failure")
        #expect(try await harness.worker.waitForClose(runID: run.runID).status == .completed)
        #expect(try await harness.client.result("nap-beside-failure", wait: false).result == Data(#""failed beside the nap""#.utf8))
        // The nap ran to its end and was recorded so.
        #expect(Nap.log.count("canceled:\(run.runID)") == 0)
        let naps = try await harness.history("nap-beside-failure").filter { $0.name == Nap.name && $0.kind.isCompletion }
        #expect(naps.map(\.kind) == [.activityCompleted])
        #expect(try await harness.client.replay("nap-beside-failure").result == .ok(closedAs: .completed))
        await harness.stop()
    }
}

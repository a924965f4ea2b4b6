import DixEngine
import Foundation

/// Workflows and activities the engine tests run.
enum TestWorkflows {
    static let log = ExecutionLog()

    static var registry: WorkflowRegistry {
        var registry = WorkflowRegistry()
        registry.register(Echo())
        registry.register(Flaky())
        registry.register(SequenceWorkflow.self)
        registry.register(ShortLivedWorkflow.self)
        registry.register(SleepThenSignal.self)
        registry.register(ParallelWorkflow.self)
        registry.register(JitterChild.self)
        registry.register(Jitter())
        registry.register(ParentWorkflow.self)
        registry.register(CounterWorkflow.self)
        registry.register(FailingWorkflow.self)
        registry.register(SideEffects.self)
        registry.register(StepsBesideSignal.self)
        return registry
    }
}

struct Echo: Activity {
    static let name = "echo"
    func run(_ input: String, context: ActivityContext) async throws -> String {
        TestWorkflows.log.append("echo:\(context.runID):\(input)")
        return "echo \(input)"
    }
}

/// Fails its first `failures` attempts, durably counted by the engine's attempt number.
struct Flaky: Activity {
    struct Input: Codable, Sendable {
        var key: String
        var failures: Int
        var nonRetryable = false
    }
    static let name = "flaky"
    struct Broken: Error {}
    func run(_ input: Input, context: ActivityContext) async throws -> Int {
        TestWorkflows.log.append("flaky:\(input.key):\(context.attempt)")
        if context.attempt <= input.failures {
            if input.nonRetryable { throw ApplicationError("broken for good", type: "Fatal", nonRetryable: true) }
            throw Broken()
        }
        return context.attempt
    }
}

/// A sequence whose closed runs are kept only a minute.
struct ShortLivedWorkflow: Workflow {
    static let name = "short-lived"
    static let retention: Duration? = .seconds(60)
    func run(_ input: Int, context: WorkflowContext) async throws -> [String] {
        try await SequenceWorkflow().run(input, context: context)
    }
}

struct SequenceWorkflow: Workflow {
    static let name = "sequence"
    func run(_ input: Int, context: WorkflowContext) async throws -> [String] {
        var results: [String] = []
        for index in 0..<input {
            results.append(try await context.execute(Echo.self, "\(context.workflowID)-\(index)"))
        }
        return results
    }
}

struct SleepThenSignal: Workflow {
    struct Input: Codable, Sendable {
        var sleepSeconds: Double
        var signalTimeoutSeconds: Double?
    }
    static let name = "sleep-then-signal"
    func run(_ input: Input, context: WorkflowContext) async throws -> String {
        context.publishStatus(["phase": "sleeping"])
        try await context.sleep(for: .seconds(input.sleepSeconds))
        context.publishStatus(["phase": "waiting for approve"])
        let approval = try await context.waitForSignal(
            "approve", as: String.self, timeout: input.signalTimeoutSeconds.map { .seconds($0) })
        return approval ?? "timed out"
    }
}

/// Sleeps a random few milliseconds, so concurrent branches finish in random order.
struct Jitter: Activity {
    static let name = "jitter"
    func run(_ input: Int, context: ActivityContext) async throws -> String {
        try await Task.sleep(for: .microseconds(Int.random(in: 0...3_000)))
        return "jitter \(input)"
    }
}

/// Two jittery activities at once.
struct JitterChild: Workflow {
    static let name = "jitter-child"
    func run(_ input: Int, context: WorkflowContext) async throws -> String {
        async let first = context.execute(Jitter.self, input * 10)
        async let second = context.execute(Jitter.self, input * 10 + 1)
        return try await first + "+" + second
    }
}

/// Branches of activities and child workflows in a task group, finishing in random order.
struct ParallelWorkflow: Workflow {
    static let name = "parallel"
    func run(_ input: Int, context: WorkflowContext) async throws -> [String] {
        try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<input {
                group.addTask {
                    if index % 2 == 0 { return try await context.execute(Jitter.self, index) }
                    return try await context.executeChild(JitterChild.self, input: index)
                }
            }
            var results: [String] = []
            for try await result in group {
                results.append(result)
                _ = context.now()
            }
            return results.sorted()
        }
    }
}

struct ParentWorkflow: Workflow {
    static let name = "parent"
    func run(_ input: Int, context: WorkflowContext) async throws -> [String] {
        async let first = context.executeChild(SequenceWorkflow.self, input: input)
        async let second = context.executeChild(SequenceWorkflow.self, input: input)
        return try await first + second
    }
}

struct CounterWorkflow: Workflow {
    struct Input: Codable, Sendable {
        var count: Int
        var until: Int
    }
    static let name = "counter"
    func run(_ input: Input, context: WorkflowContext) async throws -> Int {
        _ = try await context.execute(Echo.self, "count-\(input.count)")
        if input.count < input.until {
            throw ContinueAsNew(input: Input(count: input.count + 1, until: input.until))
        }
        return input.count
    }
}

struct FailingWorkflow: Workflow {
    static let name = "failing"
    func run(_ input: Flaky.Input, context: WorkflowContext) async throws -> Int {
        try await context.execute(
            Flaky.self, input,
            options: ActivityOptions(retryPolicy: RetryPolicy(initialInterval: .milliseconds(10), maximumAttempts: 3)))
    }
}

struct SideEffects: Workflow {
    struct Output: Codable, Sendable, Equatable {
        var now: Date
        var random: UInt64
        var uuid: UUID
    }
    static let name = "side-effects"
    func run(_ input: String, context: WorkflowContext) async throws -> Output {
        let output = Output(now: context.now(), random: context.random(), uuid: context.uuid())
        _ = try await context.execute(Echo.self, "\(output.random)")
        return output
    }
}

/// Quick activities one after another while a signal wait runs beside them.
struct StepsBesideSignal: Workflow {
    static let name = "steps-beside-signal"
    func run(_ input: Int, context: WorkflowContext) async throws -> String {
        async let signal = context.waitForSignal("go", as: Int.self)
        var last = ""
        for index in 0..<input { last = try await context.execute(Echo.self, "\(index)") }
        return "\(last), go \(try await signal ?? -1)"
    }
}

import DixEngine
import Foundation

/// An activity that does nothing but return: the engine's overhead is what is measured.
struct Noop: Activity {
    static let name = "bench.noop"
    func run(_ input: Int, context: ActivityContext) async throws -> Int { input + 1 }
}

/// One activity.
struct OneStep: Workflow {
    static let name = "bench.one-step"
    func run(_ input: Int, context: WorkflowContext) async throws -> Int {
        try await context.execute(Noop.self, input)
    }
}

/// `input` sequential activities.
struct ManySteps: Workflow {
    static let name = "bench.many-steps"
    func run(_ input: Int, context: WorkflowContext) async throws -> Int {
        var value = 0
        for _ in 0..<input { value = try await context.execute(Noop.self, value) }
        return value
    }
}

/// An activity, a wait for signal "go", another activity: parks runs mid-flight for recovery.
struct Parked: Workflow {
    static let name = "bench.parked"
    func run(_ input: Int, context: WorkflowContext) async throws -> Int {
        let first = try await context.execute(Noop.self, input)
        _ = try await context.waitForSignal("go", as: Int.self)
        return try await context.execute(Noop.self, first)
    }
}

enum BenchRegistry {
    static var registry: WorkflowRegistry {
        var registry = WorkflowRegistry()
        registry.register(Noop())
        registry.register(OneStep.self)
        registry.register(ManySteps.self)
        registry.register(Parked.self)
        return registry
    }
}

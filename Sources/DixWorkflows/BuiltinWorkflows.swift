import DixEngine

/// The workflows and activities dixmgr ships with.
public enum BuiltinWorkflows {
    /// A registry with every built-in workflow and activity.
    public static var registry: WorkflowRegistry {
        var registry = WorkflowRegistry()
        registry.register(DemoWorkflow.self)
        registry.register(DemoGreet())
        registry.register(DemoFinish())
        return registry
    }
}

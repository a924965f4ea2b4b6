import ServiceLifecycle

/// Runs a service for the length of `body` and cancels it afterwards.
func withRunningService<S: Service, R: Sendable>(
    _ service: S, _ body: @Sendable () async throws -> R
) async throws -> R {
    try await withThrowingTaskGroup(of: R?.self) { group in
        group.addTask {
            try await service.run()
            return nil
        }
        defer { group.cancelAll() }
        let result = try await body()
        return result
    }
}

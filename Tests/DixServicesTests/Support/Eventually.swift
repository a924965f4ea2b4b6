/// Checks `condition` every 50 ms until it holds or `timeout` passes; returns whether it held.
/// For waiting on real processes and a real systemd, whose timing no test controls.
func eventually(
    timeout: Duration = .seconds(10), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

extension CircuitBreaker {
    /// Permission to run one call, from ``CircuitBreaker/acquirePermit()``.
    ///
    /// ```swift
    /// let permit = try breaker.acquirePermit()
    /// client.send(request) { result in
    ///     switch result {
    ///     case .success: breaker.recordSuccess(permit)
    ///     case .failure(let error): breaker.recordFailure(permit, error: error)
    ///     }
    /// }
    /// ```
    public struct Permit: Sendable {
        /// The state generation the permit was issued in; results from older generations are ignored.
        @usableFromInline
        let generation: UInt64
        /// When the call started, on the breaker's time source.
        @usableFromInline
        let start: UInt64
        /// The breaker is disabled: nothing is recorded.
        @usableFromInline
        let isPassThrough: Bool

        @inlinable
        init(generation: UInt64, start: UInt64, isPassThrough: Bool) {
            self.generation = generation
            self.start = start
            self.isPassThrough = isPassThrough
        }
    }
}

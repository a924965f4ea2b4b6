import Benchmark
import DixResilience

/// Micro-benchmarks of the per-call cost of the resilience primitives (issue 4).
///
/// Goals: `CircuitBreaker.call` in the closed state under 50 ns single-threaded and under
/// 150 ns with two contending threads; `TokenBucket.allow` under 50 ns. No metrics backend is
/// bootstrapped, so metric updates cost what the swift-metrics no-op handlers cost.
/// Each reported time is per call (scaling factor: one million calls per measured iteration).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal],
        warmupIterations: 2,
        scalingFactor: .mega,
        maxDuration: .seconds(3),
        maxIterations: 25)

    Benchmark("Baseline: async closure without breaker") { benchmark in
        for index in benchmark.scaledIterations {
            blackHole(await passThrough { index })
        }
    }

    Benchmark("CircuitBreaker.call closed, 1 thread") { benchmark in
        let breaker = CircuitBreaker(name: "bench")
        for index in benchmark.scaledIterations {
            blackHole(try await breaker.call { index })
        }
    }

    Benchmark("CircuitBreaker.call closed, 1 thread, precise clock") { benchmark in
        let breaker = CircuitBreaker(name: "bench", timeSource: .monotonic)
        for index in benchmark.scaledIterations {
            blackHole(try await breaker.call { index })
        }
    }

    Benchmark("CircuitBreaker.call closed, 2 contending threads") { benchmark in
        let breaker = CircuitBreaker(name: "bench")
        let iterations = benchmark.scaledIterations
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    for index in iterations {
                        blackHole(try? await breaker.call { index })
                    }
                }
            }
        }
    }

    Benchmark("CircuitBreaker acquirePermit+recordSuccess, 1 thread") { benchmark in
        let breaker = CircuitBreaker(name: "bench")
        for _ in benchmark.scaledIterations {
            let permit = try breaker.acquirePermit()
            breaker.recordSuccess(permit)
        }
    }

    Benchmark("CircuitBreaker.call disabled, 1 thread") { benchmark in
        let breaker = CircuitBreaker(name: "bench")
        breaker.disable(reason: "benchmark")
        for index in benchmark.scaledIterations {
            blackHole(try await breaker.call { index })
        }
    }

    Benchmark("TokenBucket.allow, 1 thread") { benchmark in
        let bucket = TokenBucket(name: "bench", rate: 1e12, burst: 1e12)
        for _ in benchmark.scaledIterations {
            blackHole(bucket.allow())
        }
    }
}

@inline(never)
func passThrough<T>(_ operation: () async throws -> T) async rethrows -> T {
    try await operation()
}

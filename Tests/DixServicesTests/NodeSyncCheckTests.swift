import DixServices
import Foundation
import Synchronization
import Testing

/// The node sync check against a local JSON-RPC server speaking Substrate's responses.
@Suite("Blockchain node sync check")
struct NodeSyncCheckTests {
    @Test func synced() async throws {
        try await TestHTTPServer.with { base in
            let result = try await NodeSyncChecker().check(NodeSyncCheck(url: base + "/rpc/synced"))
            #expect(result.synced)
            #expect(result.healthy)
            #expect(!result.stalled)
            #expect(result.peers == 8)
            #expect(result.blocksBehind == 0)
            #expect(result.currentBlock == 1000)
            #expect(result.problems.isEmpty)
        }
    }

    @Test func syncing() async throws {
        try await TestHTTPServer.with { base in
            let result = try await NodeSyncChecker().check(NodeSyncCheck(url: base + "/rpc/syncing"))
            #expect(!result.synced)
            #expect(!result.healthy)
            #expect(result.isSyncing)
            #expect(result.blocksBehind == 500)
            #expect(!result.stalled, "first observation: no window has passed")
            #expect(result.problems.contains("500 blocks behind"))
        }
    }

    @Test func stalledWhenTheCurrentBlockDoesNotAdvanceOverTheWindow() async throws {
        try await TestHTTPServer.with { base in
            let now = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
            let checker = NodeSyncChecker(now: { now.withLock { $0 } })
            let check = NodeSyncCheck(url: base + "/rpc/stalled", stallWindow: .seconds(60))
            let first = try await checker.check(check)
            #expect(!first.stalled)
            now.withLock { $0 += 30 }
            #expect(try await !checker.check(check).stalled, "30 s is inside the window")
            now.withLock { $0 += 31 }
            let stalled = try await checker.check(check)
            #expect(stalled.stalled)
            #expect(!stalled.healthy)
            #expect(stalled.blocksBehind == 300)
            #expect(stalled.progress == BlockProgress(block: 700, since: Date(timeIntervalSince1970: 1_800_000_000)))
        }
    }

    @Test func stallDetectionFromThreadedProgress() async throws {
        try await TestHTTPServer.with { base in
            let checker = NodeSyncChecker()
            var check = NodeSyncCheck(url: base + "/rpc/stalled", stallWindow: .seconds(60))
            check.previousProgress = BlockProgress(block: 700, since: Date().addingTimeInterval(-600))
            #expect(try await checker.check(check).stalled)
            // The block moved since the recorded progress: not stalled, progress restarts.
            check.previousProgress = BlockProgress(block: 650, since: Date().addingTimeInterval(-600))
            let moved = try await checker.check(check)
            #expect(!moved.stalled)
            #expect(moved.progress.block == 700)
            #expect(abs(moved.progress.since.timeIntervalSinceNow) < 60)
        }
    }

    @Test func syncedNodeIsNeverStalled() async throws {
        try await TestHTTPServer.with { base in
            var check = NodeSyncCheck(url: base + "/rpc/synced", stallWindow: .seconds(1))
            check.previousProgress = BlockProgress(block: 1000, since: Date().addingTimeInterval(-600))
            let result = try await NodeSyncChecker().check(check)
            #expect(!result.stalled)
            #expect(result.healthy)
        }
    }

    @Test func noPeersIsUnhealthy() async throws {
        try await TestHTTPServer.with { base in
            let result = try await NodeSyncChecker().check(NodeSyncCheck(url: base + "/rpc/nopeers"))
            #expect(result.synced)
            #expect(!result.healthy)
            #expect(result.problems == ["no peers"])
        }
    }

    @Test(arguments: [
        ("error", NodeSyncError.Kind.rpcError),
        ("garbage", .malformedResponse),
        ("wrongshape", .malformedResponse),
        ("wrongid", .malformedResponse),
    ])
    func errorsAreErrorsNotHealth(scenario: String, kind: NodeSyncError.Kind) async throws {
        try await TestHTTPServer.with { base in
            do {
                let result = try await NodeSyncChecker().check(NodeSyncCheck(url: base + "/rpc/" + scenario))
                Issue.record("\(scenario) gave a result: \(result)")
            } catch let error as NodeSyncError {
                #expect(error.kind == kind)
                #expect(error.url == base + "/rpc/" + scenario)
                if kind == .rpcError {
                    #expect(error.rpcCode == -32601)
                    #expect(error.message == "Method not found")
                }
            }
        }
    }

    @Test func unreachableNode() async throws {
        let port = try unusedPort()
        await #expect {
            try await NodeSyncChecker().check(NodeSyncCheck(url: "http://127.0.0.1:\(port)"))
        } throws: { error in
            (error as? NodeSyncError)?.kind == .unreachable
        }
    }
}

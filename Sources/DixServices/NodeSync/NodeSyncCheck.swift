import Foundation

/// What a blockchain node sync check asks of a Substrate/Polkadot node's JSON-RPC endpoint.
///
/// ```swift
/// let check = NodeSyncCheck(url: "http://127.0.0.1:9944", stallWindow: .seconds(300))
/// let result = try await NodeSyncChecker().check(check)
/// if result.stalled { ... }
/// ```
public struct NodeSyncCheck: Sendable, Hashable, Codable {
    /// The node's HTTP JSON-RPC endpoint.
    public var url: String
    public var headers: [String: String]
    public var timeout: Duration
    /// How many blocks behind the best known block still counts as synced.
    public var maximumBlocksBehind: UInt64
    /// A node behind that has not advanced its current block for this long is stalled.
    public var stallWindow: Duration
    /// The progress the previous check returned. A workflow threads it through, so stall
    /// detection survives restarts; when nil, the checker's in-memory record is used.
    public var previousProgress: BlockProgress?

    public init(
        url: String, headers: [String: String] = [:], timeout: Duration = .seconds(5),
        maximumBlocksBehind: UInt64 = 2, stallWindow: Duration = .seconds(300),
        previousProgress: BlockProgress? = nil
    ) {
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.maximumBlocksBehind = maximumBlocksBehind
        self.stallWindow = stallWindow
        self.previousProgress = previousProgress
    }
}

/// The current block and since when it has been the current block.
public struct BlockProgress: Sendable, Hashable, Codable {
    public var block: UInt64
    public var since: Date

    public init(block: UInt64, since: Date) {
        self.block = block
        self.since = since
    }

    /// The progress after observing `block` at `now`: kept if the block did not change.
    public func advanced(to block: UInt64, at now: Date) -> BlockProgress {
        block == self.block ? self : BlockProgress(block: block, since: now)
    }
}

/// A node's sync state as its JSON-RPC reported it, with dixmgr's verdict.
public struct NodeSyncResult: Sendable, Hashable, Codable {
    public var url: String
    /// Not syncing and at most `maximumBlocksBehind` behind.
    public var synced: Bool
    /// Behind, and the current block has not moved for the stall window.
    public var stalled: Bool
    /// Synced, not stalled, and has peers when it should.
    public var healthy: Bool
    public var isSyncing: Bool
    public var peers: Int
    public var shouldHavePeers: Bool
    public var startingBlock: UInt64
    public var currentBlock: UInt64
    public var highestBlock: UInt64
    public var blocksBehind: UInt64
    /// Hand this to the next check as `previousProgress`.
    public var progress: BlockProgress
    /// What makes it unhealthy, in words.
    public var problems: [String]
}

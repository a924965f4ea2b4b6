import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Checks a Substrate/Polkadot node's sync state through `system_health` and `system_syncState`.
///
/// Throws ``NodeSyncError`` when the node cannot be asked or answers with an error or garbage;
/// returns a ``NodeSyncResult`` (synced or not, peers, blocks behind, stalled) otherwise.
public final class NodeSyncChecker: Sendable {
    let session: URLSession
    let now: @Sendable () -> Date
    /// Per URL, the last progress seen, for checks that do not carry `previousProgress`.
    private let lastProgress = Mutex<[String: BlockProgress]>([:])

    /// - Parameter now: the wall clock, injectable so stall windows are tested without waiting.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        self.session = URLSession(configuration: configuration)
        self.now = now
    }

    public func check(_ check: NodeSyncCheck) async throws -> NodeSyncResult {
        let client = JSONRPCClient(
            session: session, url: check.url, headers: check.headers, timeout: check.timeout)
        async let healthResult = client.call("system_health", id: 1)
        async let syncResult = client.call("system_syncState", id: 2)
        let (health, sync) = try await (healthResult, syncResult)

        func field<T>(_ value: JSONValue, _ method: String, _ name: String, _ read: (JSONValue) -> T?)
            throws -> T
        {
            guard case .object(let members) = value, let member = members[name],
                let typed = read(member)
            else {
                throw NodeSyncError(
                    .malformedResponse, url: check.url, method: method,
                    "result lacks \(name) of the expected type")
            }
            return typed
        }
        let isSyncing = try field(health, "system_health", "isSyncing", Self.bool)
        let peers = try field(health, "system_health", "peers", Self.unsigned)
        let shouldHavePeers = try field(health, "system_health", "shouldHavePeers", Self.bool)
        let startingBlock = try field(sync, "system_syncState", "startingBlock", Self.unsigned)
        let currentBlock = try field(sync, "system_syncState", "currentBlock", Self.unsigned)
        // highestBlock is null while the node has not heard of a better block.
        let highestBlock =
            (try? field(sync, "system_syncState", "highestBlock", Self.unsigned)) ?? currentBlock

        let observedAt = now()
        let previous = check.previousProgress ?? lastProgress.withLock { $0[check.url] }
        let progress =
            previous?.advanced(to: currentBlock, at: observedAt)
            ?? BlockProgress(block: currentBlock, since: observedAt)
        lastProgress.withLock { $0[check.url] = progress }

        let blocksBehind = highestBlock > currentBlock ? highestBlock - currentBlock : 0
        let behind = blocksBehind > check.maximumBlocksBehind
        let synced = !isSyncing && !behind
        let stuckFor = observedAt.timeIntervalSince(progress.since)
        let stalled = behind && stuckFor >= check.stallWindow.seconds
        var problems: [String] = []
        if isSyncing { problems.append("syncing") }
        if behind { problems.append("\(blocksBehind) blocks behind") }
        if stalled {
            problems.append("stalled at block \(currentBlock) for \(Int(stuckFor)) s")
        }
        if shouldHavePeers && peers == 0 { problems.append("no peers") }
        return NodeSyncResult(
            url: check.url, synced: synced, stalled: stalled,
            healthy: synced && !stalled && !(shouldHavePeers && peers == 0),
            isSyncing: isSyncing, peers: Int(peers), shouldHavePeers: shouldHavePeers,
            startingBlock: startingBlock, currentBlock: currentBlock, highestBlock: highestBlock,
            blocksBehind: blocksBehind, progress: progress, problems: problems)
    }

    static func bool(_ value: JSONValue) -> Bool? {
        if case .bool(let flag) = value { return flag }
        return nil
    }

    /// A block number or count: a non-negative integer, or a 0x-prefixed hex string.
    static func unsigned(_ value: JSONValue) -> UInt64? {
        switch value {
        case .number(let number):
            return number >= 0 ? UInt64(exactly: number) : nil
        case .string(let text) where text.hasPrefix("0x"):
            return UInt64(text.dropFirst(2), radix: 16)
        default:
            return nil
        }
    }
}

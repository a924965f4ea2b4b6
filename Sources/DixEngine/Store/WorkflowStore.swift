import Foundation

/// Durable storage of runs, histories, timers and signal inboxes.
///
/// The engine only talks to this protocol, so another backend (PostgreSQL, to share runs
/// between hosts) can take SQLite's place without touching workflow code.
package protocol WorkflowStore: Sendable {
    /// Creates a run (pending, or already owned when `owner` is set).
    func startRun(_ run: NewRun, now: Date) async throws -> RunRecord
    /// Commits a batch of fenced run writes in one transaction; each succeeds or fails alone,
    /// except that a run's writes after one of its own under the same lease that failed are
    /// refused (a history has no holes). Blocking: the group committer calls it from its own
    /// serial queue, never from a task.
    func commit(_ writes: [RunWrite], now: Date) -> [Result<WriteReceipt, Error>]
    /// Commits one fenced run write in a transaction of its own (see ``commit(_:now:)-([RunWrite],_)``).
    func commit(_ write: RunWrite, now: Date) -> Result<WriteReceipt, Error>

    func run(id: String) async throws -> RunRecord?
    /// The run a user-facing ID names: a run ID, or a workflow ID's latest run.
    func resolve(_ id: String) async throws -> RunRecord?
    func listRuns(_ filter: RunFilter) async throws -> [RunRecord]
    func history(runID: String) async throws -> [HistoryEvent]
    func histories(runIDs: [String]) async throws -> [String: [HistoryEvent]]

    /// Queues a signal for the open run of `workflowID`.
    func sendSignal(workflowID: String, name: String, payload: Data?, now: Date) async throws -> InboxSignal
    func requestCancel(_ id: String, now: Date) async throws -> RunRecord
    func terminate(_ id: String, reason: String, now: Date) async throws -> RunRecord

    /// Takes ownership of up to `limit` runnable runs (unowned, or whose lease expired).
    func claim(owner: String, limit: Int, leaseUntil: Date, now: Date) async throws -> [RunRecord]
    /// Gives `owner` a new lease token on a run it holds with `leaseToken` and no longer drives,
    /// so that it can be driven again from its stored history; nil when the run is no longer
    /// open and held so.
    func retake(runID: String, owner: String, leaseToken: Int64, leaseUntil: Date, now: Date) async throws -> RunRecord?
    func renewLeases(owner: String, until: Date) async throws
    func releaseLeases(owner: String) async throws
    /// The earliest lease expiry among open runs owned by others.
    func nextForeignLeaseExpiry(owner: String) async throws -> Date?
    /// What changed for the runs of `owner` since the given marks (signals, cancels, closes).
    func changes(owner: String, since: ChangeMarks) async throws -> (StoreChanges, ChangeMarks)
    /// Deletes runs closed before `cutoff` with their histories: of workflow type `only`, or of
    /// every type but those in `except`. Returns how many.
    func purge(closedBefore cutoff: Date, only: String?, except: [String]) async throws -> Int
}

/// Positions in the store's change streams a worker has seen.
package struct ChangeMarks: Sendable, Equatable {
    package var signalID: Int64 = 0
    package var closedAt: Date = .distantPast
    package init() {}
}

/// Changes affecting one worker's runs.
package struct StoreChanges: Sendable, Equatable {
    /// Open owned runs with new unconsumed signals.
    package var signaled: Set<String> = []
    /// Open owned runs whose cancellation was requested and not yet delivered.
    package var cancelRequested: Set<String> = []
    /// Owned runs closed by someone else (terminated).
    package var closedElsewhere: Set<String> = []
    /// Parent runs (owned) whose children closed: parent run ID → child run IDs.
    package var childClosed: [String: Set<String>] = [:]

    package var isEmpty: Bool {
        signaled.isEmpty && cancelRequested.isEmpty && closedElsewhere.isEmpty && childClosed.isEmpty
    }
}

extension WorkflowStore {
    package func commit(_ write: RunWrite, now: Date) -> Result<WriteReceipt, Error> {
        commit([write], now: now)[0]
    }
}

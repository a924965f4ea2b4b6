import DixEngine
import Foundation

/// A small built-in workflow that shows the engine working: two activities, a durable sleep
/// and a signal wait, with optional failing attempts to show retries.
///
/// ```sh
/// dixctl workflow start demo --input '{"name": "ops", "sleepSeconds": 10}'
/// dixctl workflow signal <ID> approve --payload '"alice"'
/// ```
public struct DemoWorkflow: Workflow {
    public static let name = "demo"

    public struct Input: Codable, Sendable {
        /// Who to greet.
        public var name: String
        /// How long the durable sleep lasts.
        public var sleepSeconds: Double
        /// Whether to wait for the `approve` signal.
        public var waitForApproval: Bool
        /// How long to wait for `approve` before going on without it (nil: forever).
        public var approvalTimeoutSeconds: Double?
        /// How long each activity works.
        public var activitySeconds: Double
        /// How many attempts of the greeting fail before one succeeds.
        public var failFirstAttempts: Int
        /// The first retry delay of the greeting.
        public var retryInitialSeconds: Double
        /// A file each activity attempt appends a line to ("greet RUN attempt N start|done").
        public var journal: String?

        public init(
            name: String = "world", sleepSeconds: Double = 5, waitForApproval: Bool = true,
            approvalTimeoutSeconds: Double? = 300, activitySeconds: Double = 0.2, failFirstAttempts: Int = 0,
            retryInitialSeconds: Double = 1, journal: String? = nil
        ) {
            self.name = name
            self.sleepSeconds = sleepSeconds
            self.waitForApproval = waitForApproval
            self.approvalTimeoutSeconds = approvalTimeoutSeconds
            self.activitySeconds = activitySeconds
            self.failFirstAttempts = failFirstAttempts
            self.retryInitialSeconds = retryInitialSeconds
            self.journal = journal
        }

        public init(from decoder: Decoder) throws {
            let defaults = Input()
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decodeIfPresent(String.self, forKey: .name) ?? defaults.name
            sleepSeconds = try container.decodeIfPresent(Double.self, forKey: .sleepSeconds) ?? defaults.sleepSeconds
            waitForApproval = try container.decodeIfPresent(Bool.self, forKey: .waitForApproval) ?? defaults.waitForApproval
            approvalTimeoutSeconds =
                container.contains(.approvalTimeoutSeconds)
                ? try container.decodeIfPresent(Double.self, forKey: .approvalTimeoutSeconds) : defaults.approvalTimeoutSeconds
            activitySeconds = try container.decodeIfPresent(Double.self, forKey: .activitySeconds) ?? defaults.activitySeconds
            failFirstAttempts = try container.decodeIfPresent(Int.self, forKey: .failFirstAttempts) ?? defaults.failFirstAttempts
            retryInitialSeconds = try container.decodeIfPresent(Double.self, forKey: .retryInitialSeconds) ?? defaults.retryInitialSeconds
            journal = try container.decodeIfPresent(String.self, forKey: .journal)
            if sleepSeconds < 0 || activitySeconds < 0 || retryInitialSeconds <= 0 || failFirstAttempts < 0 {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: [], debugDescription: "sleepSeconds, activitySeconds and failFirstAttempts must be >= 0, retryInitialSeconds > 0"))
            }
        }
    }

    public struct Output: Codable, Sendable {
        public var greeting: String
        public var approvedBy: String?
        public var summary: String
    }

    /// What `dixctl workflow show` displays while the demo runs.
    struct Status: Codable {
        var phase: String
    }

    public init() {}

    public func run(_ input: Input, context: WorkflowContext) async throws -> Output {
        context.publishStatus(Status(phase: "greeting \(input.name)"))
        let greeting = try await context.execute(
            DemoGreet.self,
            .init(name: input.name, seconds: input.activitySeconds, failFirstAttempts: input.failFirstAttempts, journal: input.journal),
            options: ActivityOptions(
                startToCloseTimeout: .seconds(max(30, input.activitySeconds * 4)),
                retryPolicy: RetryPolicy(initialInterval: .seconds(input.retryInitialSeconds), maximumAttempts: max(5, input.failFirstAttempts + 1))))
        context.publishStatus(Status(phase: "sleeping \(input.sleepSeconds)s"))
        try await context.sleep(for: .seconds(input.sleepSeconds))
        var approvedBy: String?
        if input.waitForApproval {
            context.publishStatus(Status(phase: "waiting for signal 'approve'"))
            approvedBy = try await context.waitForSignal(
                "approve", as: String.self, timeout: input.approvalTimeoutSeconds.map { .seconds($0) })
        }
        context.publishStatus(Status(phase: "finishing"))
        let summary = try await context.execute(
            DemoFinish.self, .init(greeting: greeting, approvedBy: approvedBy, seconds: input.activitySeconds, journal: input.journal))
        context.publishStatus(Status(phase: "done"))
        return Output(greeting: greeting, approvedBy: approvedBy, summary: summary)
    }
}

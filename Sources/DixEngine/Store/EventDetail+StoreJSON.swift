import Foundation

extension EventDetail {
    /// The detail as the store keeps it (the `detail` column: JSON, sorted keys, dates in
    /// milliseconds), written without the Codable machinery, which costs more than the rest of
    /// a step's insert. Nil when a value needs what this writer does not do (a string that JSON
    /// escapes, a non-finite number): the caller then uses `JSONEncoder`, and both decode to
    /// the same value (`StoreJSONTests` checks).
    var storeJSON: String? {
        var object = StoreJSONObject()
        if let deadline { object.number("deadline", deadline.timeIntervalSince1970 * 1000) }
        if let options {
            var nested = StoreJSONObject()
            if let heartbeat = options.heartbeatTimeout { nested.number("heartbeatTimeout", heartbeat.seconds) }
            let policy = options.retryPolicy
            var retry = StoreJSONObject()
            retry.number("backoffCoefficient", policy.backoffCoefficient)
            retry.number("initialInterval", policy.initialInterval.seconds)
            retry.number("jitter", policy.jitter)
            retry.integer("maximumAttempts", Int64(policy.maximumAttempts))
            retry.number("maximumInterval", policy.maximumInterval.seconds)
            retry.strings("nonRetryableErrorTypes", policy.nonRetryableErrorTypes)
            nested.object("retryPolicy", retry)
            if let timeout = options.scheduleToCloseTimeout { nested.number("scheduleToCloseTimeout", timeout.seconds) }
            if let timeout = options.startToCloseTimeout { nested.number("startToCloseTimeout", timeout.seconds) }
            object.object("options", nested)
        }
        if let parentClosePolicy { object.string("parentClosePolicy", parentClosePolicy.rawValue) }
        if let runID { object.string("runID", runID) }
        if let scheduledAt { object.number("scheduledAt", scheduledAt.timeIntervalSince1970 * 1000) }
        if let signalID { object.integer("signalID", signalID) }
        if let status { object.string("status", status.rawValue) }
        if let workflowID { object.string("workflowID", workflowID) }
        return object.close()
    }
}

/// A JSON object written member by member, in the order given (callers give sorted keys).
/// Gives up (``close()`` nil) on a string JSON would escape or a non-finite number.
private struct StoreJSONObject {
    /// The object so far, opened; written in place (every step's event has one).
    private var body: String
    private var failed = false

    init() {
        body = "{"
        body.reserveCapacity(48)
    }

    /// The object, closed; nil if a value could not be written.
    mutating func close() -> String? {
        guard !failed else { return nil }
        body.append("}")
        return body
    }

    private mutating func key(_ name: String) {
        if body.utf8.count > 1 { body.append(",") }
        body.append("\"")
        body.append(name)
        body.append("\":")
    }

    mutating func number(_ name: String, _ value: Double) {
        guard value.isFinite else {
            failed = true
            return
        }
        key(name)
        // The shortest text that reads back as the same Double; integral values without ".0".
        if value == value.rounded(), abs(value) < 1e15 {
            body += String(Int64(value))
        } else {
            value.write(to: &body)
        }
    }

    mutating func integer(_ name: String, _ value: Int64) {
        key(name)
        body += String(value)
    }

    mutating func string(_ name: String, _ value: String) {
        guard let quoted = Self.quoted(value) else {
            failed = true
            return
        }
        key(name)
        body += quoted
    }

    mutating func strings(_ name: String, _ values: [String]) {
        var items: [String] = []
        for value in values {
            guard let quoted = Self.quoted(value) else {
                failed = true
                return
            }
            items.append(quoted)
        }
        key(name)
        body += "[" + items.joined(separator: ",") + "]"
    }

    mutating func object(_ name: String, _ value: StoreJSONObject) {
        var value = value
        guard let text = value.close() else {
            failed = true
            return
        }
        key(name)
        body += text
    }

    /// `"value"` when no character of it needs escaping (printable ASCII but `"` and `\`).
    private static func quoted(_ value: String) -> String? {
        guard value.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f && $0 != 0x22 && $0 != 0x5c }) else { return nil }
        return "\"" + value + "\""
    }
}

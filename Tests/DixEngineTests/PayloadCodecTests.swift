@testable import DixEngine
import Foundation
import Testing

/// The codec writes and reads some primitive payloads without Foundation; these tests hold it
/// to Foundation's bytes and values, since step inputs are compared by digest on replay.
@Suite struct PayloadCodecTests {
    static let foundationEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let integers: [Int] = [
        0, 1, -1, 9, 10, 42, -42, 1_000_000, 999_999_999_999_999_999, -999_999_999_999_999_999,
        1_000_000_000_000_000_000, Int.max, Int.min, Int.max - 1, Int.min + 1,
    ]

    static let strings: [String] = [
        "", "a", "hello world", "with/slash", "quote\"inside", "back\\slash", "tab\there", "new\nline",
        "\u{7f}", "\u{1f}", "héllo", "日本", "emoji 🎉", "\u{2028}", String(repeating: "x", count: 300),
        "{\"a\":1}", "  spaced  ",
    ]

    @Test(arguments: integers)
    func integersEncodeAsFoundationDoes(value: Int) throws {
        #expect(try PayloadCodec.encode(value) == Self.foundationEncoder.encode(value))
        #expect(try PayloadCodec.decode(Int.self, from: Self.foundationEncoder.encode(value)) == value)
    }

    @Test(arguments: strings)
    func stringsEncodeAsFoundationDoes(value: String) throws {
        #expect(try PayloadCodec.encode(value) == Self.foundationEncoder.encode(value))
        #expect(try PayloadCodec.decode(String.self, from: Self.foundationEncoder.encode(value)) == value)
    }

    @Test func booleansAndOptionalsEncodeAsFoundationDoes() throws {
        for value in [true, false] {
            #expect(try PayloadCodec.encode(value) == Self.foundationEncoder.encode(value))
            #expect(try PayloadCodec.decode(Bool.self, from: Self.foundationEncoder.encode(value)) == value)
        }
        let some: Int? = 7
        let none: Int? = nil
        #expect(try PayloadCodec.encode(some) == Self.foundationEncoder.encode(some))
        #expect(try PayloadCodec.encode(none) == Self.foundationEncoder.encode(none))
        #expect(try PayloadCodec.decode(Int?.self, from: Data("null".utf8)) == nil)
    }

    /// Text the fast path declines must still decode as Foundation decodes it, or fail as it does.
    @Test(arguments: [
        "007", "-0", "1.0", " 5", "5 ", "+5", "1e3", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "\"5\"", "true", "", "-", "12a",
    ])
    func unusualIntegerTextDecodesAsFoundationDoes(text: String) {
        let foundation = try? JSONDecoder().decode(Int.self, from: Data(text.utf8))
        let codec = try? PayloadCodec.decode(Int.self, from: Data(text.utf8))
        #expect(codec == foundation)
    }

    @Test(arguments: ["\"a\\\"b\"", "\"a\\u0041\"", "\"a", "a\"", "\"\"", " \"a\"", "\"é\"", "\"a\\/b\"", "null", "\""])
    func unusualStringTextDecodesAsFoundationDoes(text: String) {
        let foundation = try? JSONDecoder().decode(String.self, from: Data(text.utf8))
        let codec = try? PayloadCodec.decode(String.self, from: Data(text.utf8))
        #expect(codec == foundation)
    }

    @Test(arguments: ["true", "false", "True", "1", "0", " true", "\"true\""])
    func unusualBooleanTextDecodesAsFoundationDoes(text: String) {
        let foundation = try? JSONDecoder().decode(Bool.self, from: Data(text.utf8))
        let codec = try? PayloadCodec.decode(Bool.self, from: Data(text.utf8))
        #expect(codec == foundation)
    }

    @Test func randomIntegersRoundTripExactly() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let value = Int.random(in: .min ... .max, using: &generator) >> Int.random(in: 0..<63, using: &generator)
            let data = try PayloadCodec.encode(value)
            #expect(data == (try Self.foundationEncoder.encode(value)))
            #expect(try PayloadCodec.decode(Int.self, from: data) == value)
        }
    }
}

/// Event details are written to the store without JSONEncoder when they can be; they must read
/// back exactly as JSONEncoder's text does.
@Suite struct StoreJSONTests {
    static let details: [EventDetail] = [
        EventDetail(),
        EventDetail(deadline: Date(timeIntervalSince1970: 1_730_000_000.123_456_7)),
        EventDetail(options: ActivityOptions(), scheduledAt: Date()),
        EventDetail(
            deadline: Date(timeIntervalSince1970: 12.5),
            options: ActivityOptions(
                startToCloseTimeout: .milliseconds(1_500), scheduleToCloseTimeout: .seconds(3_600), heartbeatTimeout: .nanoseconds(1),
                retryPolicy: RetryPolicy(
                    initialInterval: .milliseconds(10), backoffCoefficient: 1.5, maximumInterval: .seconds(7), maximumAttempts: 0,
                    nonRetryableErrorTypes: ["Fatal", "Other.Error"], jitter: 0)),
            scheduledAt: Date(timeIntervalSince1970: 0), workflowID: "wf/1", runID: "run-1", status: .completed,
            parentClosePolicy: .abandon, signalID: 42),
        EventDetail(workflowID: "needs \"escaping\""),
        EventDetail(options: ActivityOptions(retryPolicy: RetryPolicy(nonRetryableErrorTypes: ["naïve"]))),
        EventDetail(runID: "tab\there"),
        EventDetail(deadline: Date(timeIntervalSince1970: -1.25), signalID: -7),
    ]

    @Test(arguments: details)
    func detailsReadBackAsEncoderTextDoes(detail: EventDetail) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .millisecondsSince1970
        encoder.outputFormatting = .sortedKeys
        let foundation = String(decoding: try encoder.encode(detail), as: UTF8.self)
        let stored = try #require(SQLiteStore.json(detail))
        let viaFoundation = SQLiteStore.decodeJSON(EventDetail.self, foundation)
        let viaStore = SQLiteStore.decodeJSON(EventDetail.self, stored)
        #expect(viaStore != nil)
        #expect(viaStore == viaFoundation)
        if detail.storeJSON != nil { #expect(stored == detail.storeJSON) }
    }

    @Test func plainDetailsAreWrittenDirectly() {
        #expect(EventDetail(options: ActivityOptions(), scheduledAt: Date()).storeJSON != nil)
        #expect(EventDetail(workflowID: "needs \"escaping\"").storeJSON == nil)
    }
}

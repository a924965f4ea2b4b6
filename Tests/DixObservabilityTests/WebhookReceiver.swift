import Foundation
import Hummingbird
import Synchronization

/// A real HTTP receiver on loopback that records each POSTed body and answers with scripted statuses.
final class WebhookReceiver: Sendable {
    private let scripted: Mutex<[HTTPResponse.Status]>
    let bodies: AsyncStream<Data>
    private let continuation: AsyncStream<Data>.Continuation
    private let requestCount = Mutex(0)

    /// `statuses` are answered in order, then 200 OK.
    init(statuses: [HTTPResponse.Status] = []) {
        scripted = Mutex(statuses)
        (bodies, continuation) = AsyncStream.makeStream(of: Data.self)
    }

    var requests: Int { requestCount.withLock { $0 } }

    /// Runs the receiver for the length of `body`, passing it the receiver's URL.
    func serve<R: Sendable>(_ body: @Sendable (URL) async throws -> R) async throws -> R {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let status = self.scripted.withLock { $0.isEmpty ? HTTPResponse.Status.ok : $0.removeFirst() }
            self.requestCount.withLock { $0 += 1 }
            if status == .ok { self.continuation.yield(Data(buffer.readableBytesView)) }
            return Response(status: status)
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) })
        return try await withThrowingTaskGroup(of: R?.self) { group in
            group.addTask {
                try await application.run()
                return nil
            }
            defer { group.cancelAll() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw CancellationError() }
            return try await body(URL(string: "http://127.0.0.1:\(port)/hook")!)
        }
    }
}

import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle

/// The HTTP server that exposes the registry at `GET /metrics` for Prometheus to scrape.
///
/// A swift-service-lifecycle `Service`: run it in the daemon's `ServiceGroup`, and it stops
/// gracefully with the group.
///
/// ```swift
/// let registry = try MetricsBootstrap.bootstrap()
/// let server = MetricsServer(registry: registry)   // 127.0.0.1:9090
/// let group = ServiceGroup(services: [server, worker], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
public struct MetricsServer: Service {
    /// The content type of the Prometheus text exposition format.
    public static let contentType = "text/plain; version=0.0.4"

    /// Where the server listens.
    public struct Configuration: Sendable, Hashable {
        /// The address to bind, `127.0.0.1` by default so metrics stay local unless asked otherwise.
        public var host: String
        /// The TCP port, 9090 by default; 0 picks a free port (reported through `onListening`).
        public var port: Int
        /// The path the metrics are served at.
        public var path: String

        public init(host: String = "127.0.0.1", port: Int = 9090, path: String = "/metrics") {
            self.host = host
            self.port = port
            self.path = path
        }
    }

    public let registry: PrometheusCollectorRegistry
    public let configuration: Configuration
    private let logger: Logger
    private let onListening: @Sendable (Int) async -> Void

    /// Creates the server; `onListening` receives the bound port once the server accepts connections.
    public init(
        registry: PrometheusCollectorRegistry,
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "dixmgr.metrics"),
        onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.registry = registry
        self.configuration = configuration
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until the task is cancelled or the service group shuts down.
    public func run() async throws {
        let router = Router()
        let registry = self.registry
        router.get(RouterPath(configuration.path)) { _, _ -> Response in
            let bytes = registry.emitToBuffer()
            return Response(
                status: .ok,
                headers: [.contentType: MetricsServer.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let onListening = self.onListening
        let logger = self.logger
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: "dixmgr-metrics"),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("serving metrics", metadata: ["port": "\(port)"])
                await onListening(port)
            },
            logger: logger)
        try await application.run()
    }
}

import DixResilience
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Runs HTTP health checks with URLSession.
///
/// A check never throws for an unhealthy service: refused, timeout, TLS, bad status and bad
/// body all come back as a result with a ``HTTPCheckFailure``. Only cancellation throws.
public struct HTTPHealthChecker: Sendable {
    /// How much of a body a result keeps.
    public static let keptBodyBytes = 1024

    let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        self.session = URLSession(configuration: configuration)
    }

    public func check(_ check: HTTPCheck) async throws(CancellationError) -> HTTPCheckResult {
        let started = ContinuousClock.now
        func elapsed() -> Double { (ContinuousClock.now - started).milliseconds }
        func failed(
            _ kind: HTTPCheckFailure.Kind, _ message: String, status: Int? = nil,
            body: String? = nil, json: JSONValue? = nil
        ) -> HTTPCheckResult {
            HTTPCheckResult(
                url: check.url, healthy: false, statusCode: status,
                responseTimeMilliseconds: elapsed(), body: body, jsonValue: json,
                failure: HTTPCheckFailure(kind, url: check.url, message))
        }

        guard let url = URL(string: check.url), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            return failed(.invalidRequest, "not an http(s) URL")
        }
        var request = URLRequest(url: url)
        request.httpMethod = check.method
        request.timeoutInterval = check.timeout.seconds
        for (name, value) in check.headers { request.setValue(value, forHTTPHeaderField: name) }
        if let body = check.body { request.httpBody = Data(body.utf8) }

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.dataCancellingSafely(for: request)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let (kind, message) = Self.classify(error, timeout: check.timeout)
            return failed(kind, message)
        }
        guard let http = response as? HTTPURLResponse else {
            return failed(.network, "the response is not HTTP")
        }
        let status = http.statusCode
        let kept = String(decoding: data.prefix(Self.keptBodyBytes), as: UTF8.self)
        guard check.expectedStatus.accepts(status) else {
            return failed(
                .badStatus, "status \(status), expected \(check.expectedStatus)", status: status,
                body: kept)
        }
        let text = String(decoding: data, as: UTF8.self)
        if let substring = check.bodyContains, !text.contains(substring) {
            return failed(
                .badBody, "body does not contain \(String(reflecting: substring))", status: status,
                body: kept)
        }
        var jsonValue: JSONValue?
        if let path = check.jsonPath {
            guard let document = try? JSONDecoder().decode(JSONValue.self, from: data) else {
                return failed(.badBody, "body is not JSON", status: status, body: kept)
            }
            guard let value = document.value(at: path) else {
                return failed(
                    .badBody, "JSON path \(path) is not in the body", status: status, body: kept)
            }
            jsonValue = value
            guard value.isHealthyValue else {
                return failed(
                    .badBody, "JSON path \(path) is \(value.summary), not healthy", status: status,
                    body: kept, json: value)
            }
        }
        return HTTPCheckResult(
            url: check.url, healthy: true, statusCode: status, responseTimeMilliseconds: elapsed(),
            body: kept, jsonValue: jsonValue)
    }

    static func classify(_ error: any Error, timeout: Duration) -> (HTTPCheckFailure.Kind, String) {
        guard let urlError = error as? URLError else {
            return (.network, "\(error)")
        }
        switch urlError.code {
        case .cannotConnectToHost:
            return (.refused, "connection refused")
        case .timedOut:
            return (.timeout, "no answer within \(timeout)")
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
            .serverCertificateNotYetValid, .serverCertificateHasUnknownRoot,
            .clientCertificateRejected, .clientCertificateRequired:
            return (.tls, "TLS failed: \(urlError.localizedDescription)")
        case .cannotFindHost, .dnsLookupFailed:
            return (.unresolvedHost, "host name not resolved")
        case .badURL, .unsupportedURL:
            return (.invalidRequest, "unusable URL")
        default:
            // FoundationNetworking reports many libcurl TLS failures (a handshake with a plain
            // HTTP port, a protocol mismatch) as an unknown URLError carrying OpenSSL's text.
            let text = urlError.localizedDescription
            if ["SSL", "TLS", "certificate"].contains(where: { text.localizedCaseInsensitiveContains($0) }) {
                return (.tls, "TLS failed: \(text)")
            }
            return (.network, "\(text) (URLError \(urlError.code.rawValue))")
        }
    }
}

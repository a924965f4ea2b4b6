import DixResilience
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs a JSON body and treats anything but a 2xx answer as a failed delivery.
struct HTTPJSONPoster: Sendable {
    let channel: String
    let url: URL
    let headers: [String: String]
    let timeout: Duration

    func post(_ body: Data) async throws {
        var request = URLRequest(url: url, timeoutInterval: timeout.seconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let response: URLResponse
        do {
            // Not `data(for:)`: cancelled (the dispatcher stopping) as the answer arrives, it can
            // stop two threads for good (see `dataCancellingSafely`).
            (_, response) = try await URLSession.shared.dataCancellingSafely(for: request)
        } catch {
            throw AlertDeliveryError(channel: channel, message: "POST \(url) failed: \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw AlertDeliveryError(channel: channel, message: "POST \(url) answered HTTP \(status)")
        }
    }
}

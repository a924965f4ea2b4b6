import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A plain HTTP GET against a server the test started on loopback.
enum HTTPFetch {
    struct Response {
        var status: Int
        var contentType: String?
        var body: Data
    }

    static func get(_ url: String) async throws -> Response {
        let (data, response) = try await URLSession.shared.data(from: URL(string: url)!)
        let http = response as! HTTPURLResponse
        return Response(
            status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type"), body: data)
    }
}

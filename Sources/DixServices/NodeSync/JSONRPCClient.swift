import DixResilience
import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A minimal JSON-RPC 2.0 client over HTTP POST.
struct JSONRPCClient: Sendable {
    let session: URLSession
    let url: String
    let headers: [String: String]
    let timeout: Duration

    /// Calls `method` with no parameters and returns its `result`.
    func call(_ method: String, id: Int) async throws -> JSONValue {
        func error(_ kind: NodeSyncError.Kind, code: Int? = nil, _ message: String)
            -> NodeSyncError
        {
            NodeSyncError(kind, url: url, method: method, rpcCode: code, message)
        }
        guard let endpoint = URL(string: url), let scheme = endpoint.scheme?.lowercased(),
            scheme == "http" || scheme == "https", endpoint.host != nil
        else { throw error(.invalidRequest, "not an http(s) URL") }
        var request = URLRequest(url: endpoint)
        request.httpMethod = "POST"
        request.timeoutInterval = timeout.seconds
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = Data(
            #"{"jsonrpc":"2.0","id":\#(id),"method":"\#(method)","params":[]}"#.utf8)

        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.dataCancellingSafely(for: request)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            let (kind, message) = HTTPHealthChecker.classify(error, timeout: timeout)
            throw self.error(
                kind == .timeout ? .timeout : .unreachable, method: method, "\(kind): \(message)")
        }
        guard let http = response as? HTTPURLResponse else {
            throw error(.malformedResponse, "the response is not HTTP")
        }
        guard http.statusCode == 200 else {
            throw error(.badStatus, "HTTP status \(http.statusCode)")
        }
        guard let document = try? JSONDecoder().decode(JSONValue.self, from: data),
            case .object(let members) = document
        else {
            throw error(
                .malformedResponse,
                "not a JSON object: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        guard members["jsonrpc"] == .string("2.0") else {
            throw error(.malformedResponse, "missing \"jsonrpc\": \"2.0\"")
        }
        if let rpcError = members["error"], rpcError != .null {
            guard case .object(let details) = rpcError else {
                throw error(.malformedResponse, "\"error\" is not an object")
            }
            let code = details["code"].flatMap { value -> Int? in
                if case .number(let number) = value { return Int(exactly: number) }
                return nil
            }
            let message = details["message"].flatMap { value -> String? in
                if case .string(let text) = value { return text }
                return nil
            }
            throw error(.rpcError, code: code, message ?? "JSON-RPC error without message")
        }
        guard members["id"] == .number(Double(id)) else {
            throw error(.malformedResponse, "response id does not match request id \(id)")
        }
        guard let result = members["result"] else {
            throw error(.malformedResponse, "neither \"result\" nor \"error\"")
        }
        return result
    }

    private func error(_ kind: NodeSyncError.Kind, method: String, _ message: String)
        -> NodeSyncError
    {
        NodeSyncError(kind, url: url, method: method, message)
    }
}

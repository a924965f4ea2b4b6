import Foundation

/// A real HTTP and JSON-RPC server (python3's http.server) on 127.0.0.1, on a free port unless
/// one is given.
///
/// GET routes: `/status/N` (status N), `/text`, `/json/NAME` (bodies below), `/slow` (answers
/// after 3 s), `/big` (5000 bytes), `/headers` (200 only with `X-Token: secret`).
/// POST `/rpc/SCENARIO` speaks Substrate JSON-RPC: synced, syncing, stalled, nopeers, error,
/// garbage, wrongshape, wrongid.
enum TestHTTPServer {
    static let script = #"""
        import http.server, json, socketserver, sys, time

        BODIES = {
            "bool-true": {"status": {"healthy": True}},
            "bool-false": {"status": {"healthy": False}},
            "string-up": {"status": {"healthy": "UP"}},
            "string-ready": {"status": {"healthy": " Ready "}},
            "string-down": {"status": {"healthy": "down"}},
            "number-3": {"status": {"healthy": 3}},
            "number-0": {"status": {"healthy": 0}},
            "null": {"status": {"healthy": None}},
            "array": {"checks": [{"ok": True}, {"ok": False}]},
        }

        SCENARIOS = {
            "synced": ({"isSyncing": False, "peers": 8, "shouldHavePeers": True},
                       {"startingBlock": 0, "currentBlock": 1000, "highestBlock": 1000}),
            "syncing": ({"isSyncing": True, "peers": 3, "shouldHavePeers": True},
                        {"startingBlock": 0, "currentBlock": 500, "highestBlock": 1000}),
            "stalled": ({"isSyncing": True, "peers": 2, "shouldHavePeers": True},
                        {"startingBlock": 0, "currentBlock": 700, "highestBlock": 1000}),
            "nopeers": ({"isSyncing": False, "peers": 0, "shouldHavePeers": True},
                        {"startingBlock": 0, "currentBlock": 1000, "highestBlock": 1000}),
            "wrongshape": ({"foo": 1}, {"bar": 2}),
        }

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def answer(self, code, body, content_type="application/json"):
                if not isinstance(body, (str, bytes)):
                    body = json.dumps(body)
                data = body.encode() if isinstance(body, str) else body
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                path = self.path
                if path.startswith("/status/"):
                    self.answer(int(path.split("/")[2]), "status body", "text/plain")
                elif path == "/text":
                    self.answer(200, "all systems nominal", "text/plain")
                elif path.startswith("/json/"):
                    self.answer(200, BODIES[path[len("/json/"):]])
                elif path == "/notjson":
                    self.answer(200, "<html>not json</html>", "text/html")
                elif path == "/slow":
                    time.sleep(3)
                    self.answer(200, "late", "text/plain")
                elif path == "/big":
                    self.answer(200, "x" * 5000, "text/plain")
                elif path == "/headers":
                    ok = self.headers.get("X-Token") == "secret"
                    self.answer(200 if ok else 401, "checked", "text/plain")
                else:
                    self.answer(404, "no such route", "text/plain")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                scenario = self.path.rsplit("/", 1)[-1]
                method, rid = request["method"], request["id"]
                if scenario == "garbage":
                    self.answer(200, "<html>502 upstream</html>", "text/html")
                    return
                if scenario == "error":
                    self.answer(200, {"jsonrpc": "2.0", "id": rid,
                                      "error": {"code": -32601, "message": "Method not found"}})
                    return
                if scenario == "wrongid":
                    rid = 99
                health, sync = SCENARIOS.get("synced" if scenario == "wrongid" else scenario)
                result = health if method == "system_health" else sync
                self.answer(200, {"jsonrpc": "2.0", "id": rid, "result": result})

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

        server = Server(("127.0.0.1", int(sys.argv[1])), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    /// Runs the server for the duration of `body`, which gets its base URL.
    static func with<T: Sendable>(port: Int = 0, _ body: (String) async throws -> T) async throws -> T {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/server.py"
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            return try await withBackgroundProcess(
                ["python3", "-u", path, String(port)], waitForFirstLine: true
            ) { _, port in
                guard let port, Int(port) != nil else {
                    throw TestServerError(message: "the test server printed no port")
                }
                return try await body("http://127.0.0.1:\(port)")
            }
        }
    }
}

struct TestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

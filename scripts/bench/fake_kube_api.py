#!/usr/bin/env python3
"""A tiny stand-in for a Kubernetes API server (plain HTTP, loopback only) for benchmarks:
answers GET /version and namespace lists, enough for cluster health checks."""
import http.server, json, sys

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path.startswith("/version"):
            body = {"major": "1", "minor": "30", "gitVersion": "v1.30.0"}
        elif self.path.startswith("/api/v1/namespaces"):
            body = {"kind": "NamespaceList", "apiVersion": "v1", "metadata": {}, "items": []}
        else:
            self.send_response(404); self.send_header("Content-Length", "0"); self.end_headers(); return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *a):
        pass

srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()

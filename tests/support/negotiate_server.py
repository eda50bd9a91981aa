#!/usr/bin/env python3
"""A tiny HTTP server for the spnkt verify tests: it asks for Negotiate and records
the Authorization header a client (curl --negotiate) sends.

    negotiate_server.py OUTFILE

Listens on 127.0.0.1 on a free port and prints the port on its first line of stdout.
A request without Authorization gets 401 + `WWW-Authenticate: Negotiate`; one with
it has the header line appended to OUTFILE and gets 200. Stops when stdin closes.
"""
import http.server
import sys
import threading

OUT = sys.argv[1]


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        auth = self.headers.get("Authorization")
        if not auth:
            self.send_response(401)
            self.send_header("WWW-Authenticate", "Negotiate")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(OUT, "a", encoding="ascii") as f:
            f.write("Authorization: " + auth + "\n")
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()

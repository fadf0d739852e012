#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# capture.py - a recording HTTP proxy on loopback between the LLM client and
# llama-server, for the protocol test: every exchange is kept as
#   DIR/NNN.req.json   the body the client sent
#   DIR/NNN.status     the HTTP status the client got
#   DIR/NNN.resp.json  the body the client got
#   DIR/NNN.path       the request line's path
#
#   capture.py --dir DIR --port-file F [--upstream http://127.0.0.1:P]
#              [--refuse-json-schema]
#
# Binds 127.0.0.1 on a free port and writes it to F once listening.
# --refuse-json-schema answers a json_schema request itself with HTTP 400 and
# an OpenAI-shaped error, as a server that does not know json_schema does, so
# that the client's json_object fallback reaches the real server.
# Without --upstream it answers every request with a fixed chat completion
# (to capture a client's requests without a server).
import argparse
import http.client
import http.server
import json
import os
import threading
import urllib.parse

BODY_MAX = 16 * 1024 * 1024


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def record(self, body, status, resp):
        srv = self.server
        with srv.lock:
            srv.count += 1
            n = srv.count
        base = os.path.join(srv.dir, "%03d" % n)
        with open(base + ".req.json", "wb") as f:
            f.write(body)
        with open(base + ".resp.json", "wb") as f:
            f.write(resp)
        with open(base + ".path", "w") as f:
            f.write(self.path + "\n")
        # Last, so that a reader that sees .status sees the rest.
        with open(base + ".status", "w") as f:
            f.write("%d\n" % status)

    def reply(self, status, body, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.forward(b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > BODY_MAX:
            self.reply(413, b'{"error":{"message":"too big"}}')
            return
        body = self.rfile.read(n)
        self.forward(body)

    def forward(self, body):
        srv = self.server
        req = None
        try:
            req = json.loads(body) if body else None
        except ValueError:
            pass
        rf = (req or {}).get("response_format") or {}
        if srv.refuse and rf.get("type") == "json_schema":
            out = json.dumps({"error": {
                "message": "response_format type json_schema "
                       "is not supported",
                "type": "invalid_request_error",
                "code": 400}}).encode()
            self.record(body, 400, out)
            self.reply(400, out)
            return
        if not srv.upstream:
            out = json.dumps({
                "id": "capture", "object": "chat.completion",
                "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant",
                             "content": "{}"}}]}).encode()
            self.record(body, 200, out)
            self.reply(200, out)
            return
        u = srv.upstream
        conn = http.client.HTTPConnection(u.hostname, u.port, timeout=600)
        hdrs = {"Content-Type": self.headers.get("Content-Type",
                             "application/json")}
        if self.headers.get("Authorization"):
            hdrs["Authorization"] = self.headers["Authorization"]
        try:
            conn.request(self.command, self.path, body=body or None,
                     headers=hdrs)
            r = conn.getresponse()
            out = r.read()
            status = r.status
            ctype = r.getheader("Content-Type", "application/json")
        except OSError as e:
            out = json.dumps({"error": {"message": "capture.py: "
                            "upstream: %s" % e}}).encode()
            status, ctype = 502, "application/json"
        finally:
            conn.close()
        self.record(body, status, out)
        self.reply(status, out, ctype)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--upstream")
    ap.add_argument("--refuse-json-schema", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.dir = a.dir
    srv.upstream = urllib.parse.urlsplit(a.upstream) if a.upstream else None
    srv.refuse = a.refuse_json_schema
    srv.lock = threading.Lock()
    srv.count = 0
    tmp = a.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, a.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()

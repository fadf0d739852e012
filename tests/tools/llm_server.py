#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# llm_server.py - a scripted OpenAI-compatible chat completions server on
# loopback for the tests (Python standard library only).
#
#   llm_server.py --port-file F [--record FILE] [--mode MODE]
#                 [--mode-file FILE]
#
# It listens on 127.0.0.1 (an ephemeral port, written to --port-file once
# it listens), answers POST .../chat/completions and appends every request
# body, one JSON document per line, to --record.  The behaviour of each
# request is, first match wins: a marker [[MODE]] in the request's last
# message, the first line of --mode-file (re-read at each request), --mode
# (default "good").  Modes:
#
#   good[:CATEGORY]  a valid verdict (CATEGORY, or the first of the schema's
#                    enum) with confidence 0.9; for a "draft" schema a short
#                    grounded answer
#   chunks           the same, content as an array of text chunks
#   unknown          "category": a value the question does not have
#   confidence       "confidence": 1.7
#   invalid          content that is not JSON
#   unknowndraft     a draft the facts do not cover (known false)
#   longdraft        a draft too long for one SMS
#   hang             never answers (until the client gives up)
#   slow:SECONDS     a good verdict after SECONDS
#   http401 http500 http503   that status with an {"error": {...}} body
#   http422          422 naming response_format while the request uses
#                    json_schema (Mistral's shape), good otherwise
#   http429          429 with Retry-After: 1
#   big              a 10 MB body (with Content-Length)
#   bigchunked       a 10 MB body, chunked (no length announced)
import argparse
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading

LOCK = threading.Lock()


def completion(content):
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "test",
        "choices": [{"index": 0, "finish_reason": "stop",
                     "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                  "total_tokens": 2},
    }


def schema_of(req):
    rf = req.get("response_format") or {}
    if rf.get("type") == "json_schema":
        js = rf.get("json_schema") or {}
        return js.get("name"), js.get("schema") or {}
    return None, {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def mode_for(self, req):
        msgs = req.get("messages") or []
        last = msgs[-1].get("content", "") if msgs else ""
        m = re.search(r"\[\[([a-z0-9:._-]+)\]\]", str(last))
        if m:
            return m.group(1)
        if self.server.mode_file:
            try:
                with open(self.server.mode_file) as f:
                    line = f.readline().strip()
                if line:
                    return line
            except OSError:
                pass
        return self.server.mode

    def good(self, req, category=None, chunks=False):
        name, schema = schema_of(req)
        props = schema.get("properties") or {}
        user = (req.get("messages") or [{}])[-1].get("content", "")
        if name == "draft" or ("draft" in json.dumps(req.get(
                "response_format", {})) or "Question du candidat" in user):
            content = json.dumps({"known": True, "answer":
                                  "Oui, la formation est rémunérée."},
                                 ensure_ascii=False)
        else:
            cats = (props.get("category") or {}).get("enum") or ["yes"]
            cat = category or cats[0]
            content = json.dumps({"category": cat, "confidence": 0.9,
                                  "also": {}})
        if chunks:
            half = len(content) // 2
            content = [{"type": "text", "text": content[:half]},
                       {"type": "text", "text": content[half:]}]
        self.send_json(200, completion(content))

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        if self.server.record:
            with LOCK, open(self.server.record, "ab") as f:
                f.write(raw.replace(b"\n", b" ") + b"\n")
        try:
            req = json.loads(raw)
        except ValueError:
            self.send_json(400, {"error": {"message": "bad JSON"}})
            return
        if not self.path.endswith("/chat/completions"):
            self.send_json(404, {"error": {"message": "no such path"}})
            return
        mode = self.mode_for(req)
        if mode.startswith("good"):
            self.good(req, mode.split(":", 1)[1] if ":" in mode else None)
        elif mode == "chunks":
            self.good(req, chunks=True)
        elif mode.startswith("slow"):
            time.sleep(float(mode.split(":", 1)[1]))
            self.good(req)
        elif mode == "unknown":
            self.send_json(200, completion(json.dumps(
                {"category": "peut-etre-bien", "confidence": 0.9,
                 "also": {}})))
        elif mode == "confidence":
            self.send_json(200, completion(json.dumps(
                {"category": "yes", "confidence": 1.7, "also": {}})))
        elif mode == "invalid":
            self.send_json(200, completion("Bien sûr ! La réponse est oui"))
        elif mode == "unknowndraft":
            self.send_json(200, completion(json.dumps(
                {"known": False, "answer": ""})))
        elif mode == "longdraft":
            self.send_json(200, completion(json.dumps(
                {"known": True, "answer": "Oui " * 60})))
        elif mode == "hang":
            time.sleep(3600)
        elif mode == "http422":
            if schema_of(req)[0]:
                self.send_json(422, {
                    "object": "error",
                    "message": "response_format.json_schema: extra "
                               "inputs are not permitted",
                    "type": "invalid_request_error"})
            else:
                self.good(req)
        elif mode == "http429":
            self.send_json(429, {"error": {"message": "rate limited"}},
                           {"Retry-After": "1"})
        elif mode.startswith("http"):
            code = int(mode[4:])
            self.send_json(code, {"error": {"message": "scripted %d" % code,
                                            "type": "test"}})
        elif mode == "bigchunked":
            # The same without Content-Length: the client must stop
            # reading at its cap, not buffer 10 MB.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b" " * 65536
            try:
                for _ in range(160):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
        elif mode == "big":
            size = 10 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b" " * 65536
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass
        else:
            self.send_json(500, {"error": {"message": "unknown mode " +
                                           mode}})


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--record")
    ap.add_argument("--mode", default="good")
    ap.add_argument("--mode-file")
    a = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.mode = a.mode
    srv.mode_file = a.mode_file
    srv.record = a.record
    with open(a.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(a.port_file + ".tmp", a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""A webhook receiver for the daemon tests: verifies Standard Webhooks signatures and logs
every request as one JSON line.

  receiver.py --port-file F --log L --secret whsec_... [--mode ok|flaky|fail|leak|redirect|slow]

  ok        answers 200
  flaky     answers 500 the first time it sees a webhook-id, 200 afterwards
  fail      always answers 500
  leak      always answers 500 with a secret-looking body (LEAK_BODY), which must not be stored
  redirect  always answers 302 to --redirect-to
  slow      answers 200 after --delay seconds
A request with a bad signature gets 401. Binds 127.0.0.1 on a free port and writes it to
--port-file once listening.
"""
import argparse
import base64
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


LEAK_BODY = b"sk_live_REPLY-SECRET-4f1c9a\r\nX-Injected: yes\r\n" + b"x" * 400


def signing_key(secret):
    if secret.startswith("whsec_"):
        return base64.b64decode(secret[len("whsec_"):])
    return secret.encode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--secret", required=True)
    ap.add_argument("--mode", default="ok",
                    choices=["ok", "flaky", "fail", "leak", "redirect", "slow"])
    ap.add_argument("--redirect-to", default="")
    ap.add_argument("--delay", type=float, default=0)
    args = ap.parse_args()
    key = signing_key(args.secret)
    lock = threading.Lock()
    seen_ids = set()
    log = open(args.log, "a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the daemon reuses its connection
        # Headers and body go out in separate writes; with Nagle on, the body waits for the
        # client's delayed ACK (40 ms per request).
        disable_nagle_algorithm = True

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            wid = self.headers.get("webhook-id", "")
            ts = self.headers.get("webhook-timestamp", "")
            expected = base64.b64encode(
                hmac.new(key, f"{wid}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
            offered = [s.split(",", 1)[1] for s in self.headers.get("webhook-signature", "").split()
                       if s.startswith("v1,")]
            sig_ok = any(hmac.compare_digest(expected, s) for s in offered)
            with lock:
                first = wid not in seen_ids
                seen_ids.add(wid)
                if not sig_ok:
                    status = 401
                elif args.mode in ("fail", "leak") or (args.mode == "flaky" and first):
                    status = 500
                elif args.mode == "redirect":
                    status = 302
                else:
                    status = 200
                try:
                    envelope = json.loads(body)
                except ValueError:
                    envelope = {}
                log.write(json.dumps({
                    "webhookId": wid, "sigOk": sig_ok, "status": status,
                    "path": self.path, "extra": self.headers.get("X-Waitroom-Test"),
                    "eventId": envelope.get("eventId"), "event": envelope.get("event"),
                    "payload": envelope.get("payload")}) + "\n")
            if args.mode == "slow":
                time.sleep(args.delay)
            reply = b"ok" if status == 200 else LEAK_BODY if args.mode == "leak" else b"no"
            self.send_response(status)
            if status == 302:
                self.send_header("Location", args.redirect_to)
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *a):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.replace(args.port_file + ".tmp", args.port_file)
    server.serve_forever()


if __name__ == "__main__":
    main()

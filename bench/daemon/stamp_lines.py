#!/usr/bin/env python3
"""Reads waitroomd's stdout (JSON lines) and writes "<arrival unix seconds> <eventId>" per line,
stamped as each line arrives: the publication time of the stdout sink, for bench/daemon.sh."""
import json
import sys
import time

out = open(sys.argv[1], "w", buffering=1)
for line in sys.stdin.buffer:
    now = time.time()
    try:
        event_id = json.loads(line)["eventId"]
    except (ValueError, KeyError):
        continue
    out.write(f"{now:.6f} {event_id}\n")

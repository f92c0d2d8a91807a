#!/usr/bin/env python3
"""Checks what a sink received against the events in the database.

  check_delivery.py --expected E [--receiver-log L | --stdout F ...] [--ordered] [--only-ok]

E: lines "event_id<TAB>order_id" of every event that must arrive (psql -At -F tab output).
--stdout: JSON-lines outputs of waitroomd (several files = several daemons, checked as a union).
--receiver-log: receiver.py's log; with --only-ok only 2xx answers count as arrived.
--ordered: per order, no event arrives before all earlier events of that order have arrived
  (replays of earlier ones are allowed: at least once). Checked per file, or across the
  --stdout files in the given sequence with --one-stream.
Prints one JSON summary line; exits 1 when nothing is expected (a broken test), on a missing event, an order violation, a bad signature,
or a webhook-id that differs between copies of one event.
"""
import argparse
import json
import sys
from collections import defaultdict


def read_expected(path):
    by_event, lanes = {}, defaultdict(list)
    for line in open(path):
        line = line.strip()
        if not line:
            continue
        eid, order = line.split("\t")
        by_event[int(eid)] = order
        lanes[order].append(int(eid))
    position = {}
    for order, ids in lanes.items():
        for i, eid in enumerate(sorted(ids)):
            position[eid] = i
    return by_event, position


def arrivals(args):
    """Yields (stream name, eventId, webhookId or None, sigOk) per accepted arrival."""
    for path in args.stdout or []:
        lines = open(path).read().split("\n")
        for i, line in enumerate(lines):
            if not line.strip():
                continue
            try:
                env = json.loads(line)
            except ValueError:
                if i == len(lines) - 1:
                    continue  # cut by kill -9 mid-write; it was never acknowledged
                raise
            assert set(env) == {"event", "eventId", "payload"}, env
            yield ("all" if args.one_stream else path), env["eventId"], None, True
    if args.receiver_log:
        for line in open(args.receiver_log):
            rec = json.loads(line)
            if args.only_ok and rec["status"] != 200:
                continue
            yield args.receiver_log, rec["eventId"], rec["webhookId"], rec["sigOk"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--expected", required=True)
    ap.add_argument("--receiver-log")
    ap.add_argument("--stdout", nargs="*")
    ap.add_argument("--ordered", action="store_true")
    ap.add_argument("--only-ok", action="store_true")
    ap.add_argument("--one-stream", action="store_true",
                    help="the --stdout files are one stream in sequence (a daemon and its restart)")
    args = ap.parse_args()

    order_of, position = read_expected(args.expected)
    seen = defaultdict(int)                 # eventId -> copies
    webhook_ids = defaultdict(set)
    arrived_in_stream = defaultdict(lambda: defaultdict(int))  # stream -> order -> prefix length
    violations, bad_sigs, total, others = [], 0, 0, 0
    for stream, eid, wid, sig_ok in arrivals(args):
        if not sig_ok:
            bad_sigs += 1
        if eid not in order_of:
            others += 1                     # not part of this check (another test's event)
            continue
        total += 1
        seen[eid] += 1
        if wid is not None:
            webhook_ids[eid].add(wid)
        if args.ordered:
            order, pos = order_of[eid], position[eid]
            prefix = arrived_in_stream[stream][order]
            if pos > prefix:
                violations.append({"eventId": eid, "order": order, "position": pos,
                                   "arrivedBefore": prefix})
            elif pos == prefix:
                arrived_in_stream[stream][order] = prefix + 1
    missing = sorted(set(order_of) - set(seen))
    duplicates = sum(c - 1 for c in seen.values())
    mismatched = [e for e, ids in webhook_ids.items() if len(ids) > 1]
    summary = {"expected": len(order_of), "arrivals": total, "otherArrivals": others,
               "unique": len(seen),
               "duplicates": duplicates, "missing": len(missing), "missingSample": missing[:5],
               "orderViolations": len(violations), "violationSample": violations[:3],
               "badSignatures": bad_sigs, "webhookIdMismatch": len(mismatched)}
    print(json.dumps(summary))
    ok = order_of and not missing and not violations and not bad_sigs and not mismatched
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

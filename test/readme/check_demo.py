#!/usr/bin/env python3
"""Checks what test/demo.sh printed (read from stdin) against what the README promises a
newcomer: orders waiting, the reason of a waiting order explained with numbers, a restock
serving the waiting room in priority order, a pre-order released, events published by
waitroomd. Prints one `ok - ` / `not ok - ` line per promise."""
import json
import re
import sys

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def sections(text):
    """'== title' -> the lines under it."""
    out, title = {}, None
    for line in ANSI.sub("", text).splitlines():
        if line.startswith("== "):
            title = line[3:]
            out[title] = []
        elif title is not None:
            out[title].append(line)
    return out


def tables(lines):
    """psql aligned tables in these lines, each a list of {column: value}."""
    found, i = [], 0
    while i + 1 < len(lines):
        if re.fullmatch(r"-+(\+-+)*", lines[i + 1].strip()) and "|" in lines[i] or (
            re.fullmatch(r"-+", lines[i + 1].strip()) and lines[i].strip()
        ):
            head = [h.strip() for h in lines[i].split("|")]
            rows, j = [], i + 2
            while j < len(lines) and not re.fullmatch(r"\(\d+ rows?\)", lines[j].strip()):
                rows.append(dict(zip(head, (c.strip() for c in lines[j].split("|")))))
                j += 1
            found.append(rows)
            i = j
        i += 1
    return found


def section(secs, prefix):
    hits = [t for t in secs if t.startswith(prefix)]
    return secs[hits[0]] if hits else []


results = []


def check(name, cond):
    results.append(bool(cond))
    print(("ok - " if cond else "not ok - ") + name)


secs = sections(sys.stdin.read())
room = tables(section(secs, "The waiting room"))
room = room[0] if room else []
waits = {(r["tenant_order_id"], r["tenant_article_id"]): r["reason"] for r in room}
check("orders wait, each with its reason",
      waits.get(("A-1002", "sneaker-42")) == "BACKORDER_NO_STOCK"
      and waits.get(("A-1004", "console-x")) == "PREORDER_NOT_RELEASED")
check("the queue is in priority order (A-1003 first for sneaker-42)",
      [r["tenant_order_id"] for r in room if r["tenant_article_id"] == "sneaker-42"]
      == ["A-1003", "A-1001", "A-1002"])

expl = tables(section(secs, "Why does A-1002 wait?"))
plans = expl[0] if expl else []
facilities = expl[1] if len(expl) > 1 else []
check("explain: the plan waits, and says which rule decided",
      len(plans) == 1 and plans[0].get("status") == "WAITING" and plans[0].get("why", "").startswith("rule 2"))
check("explain: every facility considered, with the failed rule and the numbers",
      sorted((f["facility"], f["rule_check"], f["needed"], f["available"]) for f in facilities)
      == [("berlin", "STOCK_SHORT", "2", "0"), ("munich", "STOCK_SHORT", "2", "0")])

served = tables(section(secs, "Served in this order"))
served = served[0] if served else []
check("the restock serves the waiting room in priority order",
      [(r["tenant_order_id"], r["facility"]) for r in served] == [("A-1003", "munich"), ("A-1001", "munich")])
still = tables(section(secs, "Still waiting"))
check("what the restock could not serve still waits",
      still and sorted(r["tenant_order_id"] for r in still[0]) == ["A-1002", "A-1004"])
rel = tables(section(secs, "The pre-order's release time comes"))
check("release_due releases the pre-order",
      len(rel) == 2 and rel[0] and rel[0][0].get("plans_released") == "1"
      and rel[1] and rel[1][0].get("status") == "ROUTED")

events = []
for line in section(secs, "Events in the outbox"):
    try:
        events.append(json.loads(line))
    except ValueError:
        pass
routed = [e["payload"].get("tenantOrderId") for e in events
          if e.get("event") == "ROUTING_PLAN_ROUTED" and e["payload"].get("runType") == "REACTIVATION"]
check("waitroomd published the events as JSON lines (released plans included)",
      len(events) >= 17 and sorted(routed) == ["A-1001", "A-1003", "A-1004"])
per_order = {}
for e in events:
    per_order.setdefault(e["payload"].get("orderId"), []).append(e["eventId"])
check("events of each order are published in event_id order",
      events and all(ids == sorted(ids) for ids in per_order.values()))
sys.exit(0 if all(results) else 1)

#!/usr/bin/env python3
"""The plots of bench/RESULTS.md, from the medians bench/run.sh collects.

Usage: plot.py DATA OUT_DIR SERVED. DATA lines: "1 ROWS PLACE_ORDER_TPS FLOOR_TPS",
"3 ROWS LATENCY_MS", "5 OTHER_WAITING PLANS_PER_S".
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

data, out, served = sys.argv[1], sys.argv[2], sys.argv[3]
rows = {"1": [], "3": [], "5": []}
for line in open(data):
    fields = line.split()
    rows[fields[0]].append([float(x) for x in fields[1:]])


def save(name, title, xlabel, ylabel, log_x=True):
    plt.title(title)
    plt.xlabel(xlabel)
    plt.ylabel(ylabel)
    if log_x:
        plt.xscale("log")
    plt.ylim(bottom=0)
    plt.grid(True, alpha=0.3)
    plt.legend()
    plt.tight_layout()
    plt.savefig(f"{out}/{name}", dpi=100)
    plt.close()


size = [r[0] for r in rows["1"]]
plt.figure(figsize=(6, 4))
plt.plot(size, [r[1] for r in rows["1"]], "o-", label="place_order")
plt.plot(size, [r[2] for r in rows["1"]], "s--", label="floor (bench/floor.sql)")
save("bench-1-throughput.png", "#1 orders/s, 1-5 lines, 2 clients", "stock rows", "tps (median)")

plt.figure(figsize=(6, 4))
plt.plot([r[0] for r in rows["3"]], [r[1] for r in rows["3"]], "o-", label="place_order, 1 client")
save("bench-3-latency.png", "#3 median place_order latency", "stock rows", "ms")

plt.figure(figsize=(6, 4))
others = [r[0] for r in rows["5"]]
plt.plot(others, [r[1] for r in rows["5"]], "o-", label=f"one UPDATE serving {served} plans")
plt.xticks(others, [f"{int(o):,}" for o in others])
save("bench-5-waiting-room.png", "#4/#5 waiting plans served per second",
     "other plans waiting (other articles)", "plans/s", log_x=False)

#!/usr/bin/env python3
"""Figures for bench/daemon.sh.

  measure.py throughput DAEMON_STDERR START_UNIX_S N
      events/s: N over the time from the daemon's start to the commit of the batch that made its
      delivered count reach N (its "batch" log lines, logged after each commit).
  measure.py latency ARRIVALS COMMITS FROM_UNIX_S TO_UNIX_S
      ARRIVALS: "<arrival unix s> <eventId>" per publication; COMMITS: "<eventId> <sent unix s>
      <commit acknowledged unix s>" per event (producer.cpp). For the events sent in [FROM, TO):
      the first publication minus the commit's acknowledgement. Prints "p50_ms p99_ms
      rate_events_per_s published/sent", then p50/p99 counted from the INSERT's sending and
      p50/p99 of the producer's commit itself (sent to acknowledged).
"""
import datetime
import math
import json
import sys


def iso_to_unix(ts):
    return datetime.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp()


def throughput(stderr_path, start, n):
    done = 0
    for line in open(stderr_path):
        entry = json.loads(line)
        if entry.get("action") != "batch":
            continue
        done += entry["delivered"]
        if done >= n:
            print(round(n / (iso_to_unix(entry["ts"]) - start)))
            return
    sys.exit(f"only {done} of {n} delivered")


def percentile(sorted_values, p):
    # nearest rank
    k = max(0, math.ceil(p / 100 * len(sorted_values)) - 1)
    return sorted_values[k]


def latency(arrivals_path, commits_path, start, end):
    first = {}
    for line in open(arrivals_path):
        at, eid = line.split()
        first.setdefault(int(eid), float(at))
    commits = {}  # eventId -> (sent, acknowledged)
    for line in open(commits_path):
        eid, sent, acked = line.split()
        if start <= float(sent) < end:
            commits[int(eid)] = (float(sent), float(acked))
    published = [e for e in commits if e in first]
    if not published:
        sys.exit("no events measured")
    from_ack = sorted((first[e] - commits[e][1]) * 1000 for e in published)
    from_sent = sorted((first[e] - commits[e][0]) * 1000 for e in published)
    commit = sorted((a - s) * 1000 for s, a in commits.values())
    print(f"{percentile(from_ack, 50):.1f} {percentile(from_ack, 99):.1f} "
          f"{round(len(commits) / (end - start))} {len(published)}/{len(commits)} "
          f"{percentile(from_sent, 50):.1f} {percentile(from_sent, 99):.1f} "
          f"{percentile(commit, 50):.1f} {percentile(commit, 99):.1f}")


if __name__ == "__main__":
    if sys.argv[1] == "throughput":
        throughput(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    else:
        latency(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]))

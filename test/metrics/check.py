#!/usr/bin/env python3
"""Checks for waitroomd's /metrics (test/suites/61-metrics.sh).

  check.py exposition SCRAPE            the Prometheus text format (0.0.4), strictly: every
                                        family has HELP and TYPE before its samples, samples of a
                                        family together, no series twice, counters end in _total,
                                        histogram buckets cumulative with +Inf = _count
  check.py names SCRAPE RULES.yml DASHBOARD.json
                                        every metric and label an alert rule or a Grafana panel
                                        (or template variable) names exists in the scrape
  check.py documented SCRAPE README.md  every family of the scrape has a row in the README's
                                        metrics table, and every row names a family of the scrape
  check.py value SCRAPE 'name{labels}'  prints one sample's value (labels as in the scrape)

Exits 1 and prints one line per problem when a check fails.
"""
import json
import math
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}
# Series Prometheus makes itself for every target, and the labels it adds to every series.
SYNTHETIC = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
TARGET_LABELS = {"job", "instance"}
PROMQL_WORDS = {"and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
                "group_right", "bool", "offset", "inf", "nan", "Inf", "NaN"}


def parse_value(text):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        raise ValueError(f"not a number: {text!r}")
    return float(text)


def parse_labels(text, where):
    """'a="x",b="y"' -> (('a','x'),('b','y')); raises ValueError."""
    labels, pos = [], 0
    while pos < len(text):
        m = re.compile(r'\s*(' + LABEL + r')\s*=\s*"((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)').match(text, pos)
        if not m:
            raise ValueError(f"{where}: bad label set {{{text}}}")
        labels.append((m.group(1), m.group(2)))
        pos = m.end()
        if m.group(3) == "" and pos < len(text):
            raise ValueError(f"{where}: bad label set {{{text}}}")
    names = [n for n, _ in labels]
    if len(set(names)) != len(names):
        raise ValueError(f"{where}: a label twice in {{{text}}}")
    return tuple(labels)


def parse_exposition(text):
    """Returns (families, samples, problems): families {name: {'type','help'}}, samples
    [(name, labels tuple, value, family)]."""
    families, samples, problems = {}, [], []
    seen_series, finished, current = set(), set(), None
    for no, line in enumerate(text.split("\n"), 1):
        where = f"line {no}"
        if line == "":
            continue
        if line.startswith("#"):
            m = re.fullmatch(r"# (HELP|TYPE) (" + NAME + r") (.*)", line)
            if not m:
                if re.match(r"#\s*(HELP|TYPE)\b", line):
                    problems.append(f"{where}: malformed {line!r}")
                continue
            kind, name, rest = m.groups()
            fam = families.setdefault(name, {})
            key = kind.lower()
            if key in fam:
                problems.append(f"{where}: second {kind} for {name}")
            if name in finished or (current == name and key == "type" and fam.get("samples")):
                problems.append(f"{where}: {kind} of {name} after its samples")
            if kind == "TYPE" and rest not in TYPES:
                problems.append(f"{where}: unknown type {rest!r} for {name}")
            fam[key] = rest
            if current and current != name:
                finished.add(current)
            current = name
            continue
        m = re.fullmatch(r"(" + NAME + r")(?:\{(.*)\})?[ \t]+(\S+)(?:[ \t]+(-?\d+))?", line)
        if not m:
            problems.append(f"{where}: not a sample: {line!r}")
            continue
        name, label_text, value_text = m.group(1), m.group(2) or "", m.group(3)
        try:
            labels = parse_labels(label_text, where)
            value = parse_value(value_text)
        except ValueError as e:
            problems.append(str(e))
            continue
        family = name
        for suffix in ("_bucket", "_sum", "_count"):
            base = name[: -len(suffix)]
            if name.endswith(suffix) and families.get(base, {}).get("type") in ("histogram", "summary"):
                family = base
        if family not in families or "type" not in families[family]:
            problems.append(f"{where}: sample of {name} without a TYPE line before it")
            families.setdefault(family, {})
        if "help" not in families[family]:
            problems.append(f"{where}: sample of {name} without a HELP line before it")
        if family in finished:
            problems.append(f"{where}: sample of {family} apart from the rest of its family")
        if current and current != family:
            finished.add(current)
        current = family
        families[family]["samples"] = True
        key = (name, tuple(sorted(labels)))
        if key in seen_series:
            problems.append(f"{where}: series {name}{{{label_text}}} twice")
        seen_series.add(key)
        samples.append((name, labels, value, family))
    for name, fam in families.items():
        if fam.get("type") == "counter" and not name.endswith("_total"):
            problems.append(f"counter {name} does not end in _total")
    problems += check_histograms(families, samples)
    return families, samples, problems


def check_histograms(families, samples):
    problems = []
    for fam, info in families.items():
        if info.get("type") != "histogram":
            continue
        groups = {}
        for name, labels, value, family in samples:
            if family != fam:
                continue
            d = dict(labels)
            le = d.pop("le", None)
            g = groups.setdefault(tuple(sorted(d.items())), {"buckets": [], "sum": None, "count": None})
            if name == fam + "_bucket":
                if le is None:
                    problems.append(f"{fam}: a bucket without le")
                    continue
                g["buckets"].append((parse_value(le), value))
            elif name == fam + "_sum":
                g["sum"] = value
            elif name == fam + "_count":
                g["count"] = value
            else:
                problems.append(f"{fam}: sample {name} is not _bucket, _sum or _count")
        for key, g in groups.items():
            label = ",".join(f'{k}="{v}"' for k, v in key)
            bounds = [b for b, _ in g["buckets"]]
            if bounds != sorted(bounds):
                problems.append(f"{fam}{{{label}}}: buckets out of le order")
            counts = [c for _, c in sorted(g["buckets"])]
            if any(b < a for a, b in zip(counts, counts[1:])):
                problems.append(f"{fam}{{{label}}}: bucket counts not cumulative {counts}")
            if not bounds or bounds[-1] != math.inf:
                problems.append(f"{fam}{{{label}}}: no le=\"+Inf\" bucket")
            elif g["count"] is None or counts[-1] != g["count"]:
                problems.append(f"{fam}{{{label}}}: +Inf bucket {counts[-1]} != _count {g['count']}")
            if g["sum"] is None:
                problems.append(f"{fam}{{{label}}}: no _sum")
    return problems


def load_scrape(path):
    families, samples, problems = parse_exposition(open(path).read())
    if problems:
        sys.exit(f"{path} is not valid exposition text: {problems[0]}")
    return families, samples


def promql_refs(expr):
    """[(metric name, {label names of its matchers})] of a PromQL expression."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'', '""', expr)  # string literals
    e = re.sub(r"\[[^\]]*\]", " ", e)  # ranges, subqueries, [$__rate_interval]
    refs = []
    # Grouping labels (by, without, on, ...) must exist on some series too.
    grouping = r"\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)"
    for m in re.finditer(grouping, e):
        names = set(re.findall(LABEL, m.group(2)))
        if names:
            refs.append((None, names))
    e = re.sub(grouping, " ", e)
    for m in re.finditer(r"(?<![\w$.:])(" + NAME + r")?\s*(\{[^}]*\})?", e):
        name, matchers = m.group(1), m.group(2)
        if not name and not matchers:
            continue
        rest = e[m.end():].lstrip()
        if name and not matchers and rest.startswith("("):
            continue  # a function or an aggregation
        if name and (name in PROMQL_WORDS or re.fullmatch(r"\d.*", name)):
            continue
        labels = set(re.findall(r"(" + LABEL + r")\s*(?:=~|!~|!=|=)", matchers or ""))
        refs.append((name, labels))
    return refs


def exprs_of_rules(path):
    import yaml  # python3-yaml (test/install-deps.sh)

    doc = yaml.safe_load(open(path))
    out = []
    for group in doc["groups"]:
        for rule in group["rules"]:
            out.append((f"{path}: {rule.get('alert') or rule.get('record')}", str(rule["expr"])))
    return out


def exprs_of_dashboard(path):
    doc = json.load(open(path))
    out = []

    def panels(items):
        for p in items:
            yield p
            yield from panels(p.get("panels", []))

    for p in panels(doc.get("panels", [])):
        if p.get("type") == "row":
            continue
        targets = p.get("targets") or []
        if not targets:
            out.append((f"{path}: panel {p.get('title')!r}", ""))  # a panel showing nothing
        for t in targets:
            out.append((f"{path}: panel {p.get('title')!r}", t.get("expr", "")))
    for v in doc.get("templating", {}).get("list", []):
        if v.get("type") != "query":
            continue
        q = v.get("query")
        q = q.get("query", "") if isinstance(q, dict) else (q or "")
        m = re.fullmatch(r"\s*label_values\((.*),\s*(" + LABEL + r")\s*\)\s*", q)
        if not m:
            out.append((f"{path}: variable {v.get('name')}", ""))
            continue
        out.append((f"{path}: variable {v.get('name')}", m.group(1)))
        out.append((f"{path}: variable {v.get('name')} label", f"{{{m.group(2)}=\"\"}}"))
    return out


def cmd_names(scrape, rules, dashboard):
    _, samples = load_scrape(scrape)
    labels_of = {}
    for name, labels, _, _ in samples:
        labels_of.setdefault(name, set()).update(n for n, _ in labels)
    all_labels = set().union(*labels_of.values()) | TARGET_LABELS
    problems, used = [], 0
    for where, expr in exprs_of_rules(rules) + exprs_of_dashboard(dashboard):
        refs = promql_refs(expr)
        if not refs:
            problems.append(f"{where}: names no metric ({expr!r})")
        for name, labels in refs:
            used += 1
            if name is None:  # {label=...} alone (a label_values() label)
                known = all_labels
            elif name in SYNTHETIC:
                known = TARGET_LABELS
            elif name in labels_of:
                known = labels_of[name] | TARGET_LABELS
            else:
                problems.append(f"{where}: {name} is not in the scrape")
                continue
            for label in sorted(labels - known):
                problems.append(f"{where}: no series has label {label}" if name is None
                                else f"{where}: {name} has no label {label}")
    for p in problems:
        print(p)
    print(f"# {used} metric references checked")
    return not problems


def cmd_documented(scrape, readme):
    families, _ = load_scrape(scrape)
    text = open(readme).read()
    # The table of the "## Metrics" section (the alerts have a table of their own).
    section = re.search(r"^## Metrics$(.*?)(?=^## |\Z)", text, re.M | re.S)
    rows = set(re.findall(r"^\|\s*`(" + NAME + r")`", section.group(1) if section else "", re.M))
    problems = [f"{f} is not in {readme}'s metrics table" for f in sorted(set(families) - rows)]
    problems += [f"{readme} documents {f}, which is not in the scrape" for f in sorted(rows - set(families))]
    for p in problems:
        print(p)
    print(f"# {len(families)} families, {len(rows)} documented")
    return not problems


def cmd_value(scrape, selector):
    m = re.fullmatch(r"(" + NAME + r")(?:\{(.*)\})?", selector)
    want = (m.group(1), tuple(sorted(parse_labels(m.group(2) or "", selector))))
    for name, labels, value, _ in load_scrape(scrape)[1]:
        if (name, tuple(sorted(labels))) == want:
            print(repr(value) if value != int(value) else int(value))
            return True
    return False


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "exposition" and len(argv) == 3:
        families, samples, problems = parse_exposition(open(argv[2]).read())
        for p in problems:
            print(p)
        print(f"# {len(families)} families, {len(samples)} samples")
        return not problems
    if cmd == "names" and len(argv) == 5:
        return cmd_names(*argv[2:])
    if cmd == "documented" and len(argv) == 4:
        return cmd_documented(*argv[2:])
    if cmd == "value" and len(argv) == 4:
        return cmd_value(*argv[2:])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(0 if main(sys.argv) else 1)

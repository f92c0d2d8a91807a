#!/usr/bin/env python3
"""Plan guard checker: fails on a plan that reads a whole big table.

  check_plans.py explain PHASE PLANS.jsonl INDEXES.json ALLOW
      PLANS.jsonl: one {"sql", "plan", "error"} a line, the generic plan of each statement
      of waitroom._statements(). One result line per statement.
  check_plans.py log PHASE LOGFILE OFFSET PLANS.jsonl FUNCTIONS.jsonl INDEXES.json ALLOW
      LOGFILE: the server's jsonlog; auto_explain entries after byte OFFSET are checked.
      Statements of PLANS.jsonl (checked by `explain`) and statements tagged
      /* guard-setup */ (the workload's own scaffolding) are skipped. FUNCTIONS.jsonl:
      {"name", "src"} of every waitroom function, to name the function a statement is in.
      One result line per distinct statement (literals do not count).
  INDEXES.json: {index name: {"table", "lead": first column, "columns", "partial"}} of
      waitroom's indexes; a scan of a non-partial one of a big table that does not bound its
      first column reads the whole table (in index order).
  A probe (an index scan repeated per outer row: a nested loop's inner side, a subplan) of a
      big table that binds its index's leading tenant_id must bind a next column by equality
      too: one bound on the tenant alone (plus a range) reads a share of the tenant per outer
      row, the whole table for a single-tenant install. A repeated index scan whose conditions
      name no other relation (an Uncorrelated Rescan) reads the same rows for every outer row.
  WR_GUARD_BIG: more big tables, comma-separated (suite 25's phase C: delivery).
  ALLOW: "table | statement text prefix | reason" lines; '#' starts a comment.

Prints `ok - ...` / `not ok - ...` lines; the caller counts them.
"""
import difflib
import json
import os
import re
import sys

BIG_TABLES = {"stock", "listing", "routing_plan", "routing_plan_line", "pick_line",
              "order_line", "event"} | set(filter(None, os.environ.get("WR_GUARD_BIG", "").split(",")))


def normalize(text):
    return " ".join(text.split())


def bounds_leading_column(cond, column):
    """Whether an Index Cond constrains the index's first column (EXPLAIN shows the index
    column first). A condition on a later column only filters a walk of the whole index."""
    return column is not None and re.search(
        r"\(" + re.escape(column) + r" (=|<|<=|>|>=|IS) ", cond or "") is not None


def equality_prefix(cond, columns):
    """How many of the index's leading columns the Index Cond binds by equality (= or = ANY)."""
    bound = 0
    for column in columns:
        if not re.search(r"\(" + re.escape(column) + r" = ", cond or ""):
            break
        bound += 1
    return bound


def correlated(node):
    """Whether a scan's conditions name a column of another relation (an outer row's): a
    repeated scan that names none reads the same rows again for every outer row."""
    text = " ".join(str(node.get(k, "")) for k in ("Index Cond", "Recheck Cond", "Filter"))
    alias = node.get("Alias")
    names = re.findall(r'("[^"]+"|\b[A-Za-z_][A-Za-z0-9_$]*)\.["A-Za-z_]', text)
    return any(name.strip('"') != alias for name in names)


def whole_scans(node, indexes, path=(), repeated=False):
    """(kind, table, path of node types from the root) of every read of a whole big table
    anywhere in the plan tree (init plans, subplans and CTEs are children under "Plans"):
    a Seq Scan, or a Full Index Scan: a scan of a non-partial index whose Index Cond does not
    bound its first column (none, or one on a later column), the same read in key order; and
    every Tenant-wide Probe: an index scan repeated per outer row (under a nested loop's inner
    side or a subplan: `repeated`) whose index leads with tenant_id and whose Index Cond binds
    by equality that column alone; and every Uncorrelated Rescan: a repeated index scan whose
    conditions name no other relation (the same rows read for every outer row).
    indexes: index name -> {"table", "lead", "columns", "partial"} for the big tables."""
    found = []
    if isinstance(node, dict):
        kind = node.get("Node Type")
        if kind:
            relationship = node.get("Parent Relationship")
            step = kind
            if relationship not in (None, "Outer", "Inner", "Member"):
                step = f'{relationship} {step}'
            path = path + (step,)
            repeated = repeated or relationship == "SubPlan"
        if kind == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
            found.append(("Seq Scan", node["Relation Name"], " > ".join(path)))
        index = indexes.get(node.get("Index Name"))
        if kind in ("Index Scan", "Index Only Scan", "Bitmap Index Scan") and index:
            cond = node.get("Index Cond")
            where = " > ".join(path) + f' using {node["Index Name"]}'
            if not index["partial"] and not bounds_leading_column(cond, index["lead"]):
                found.append(("Full Index Scan", index["table"], where))
            if (repeated and index["columns"][:1] == ["tenant_id"]
                    and equality_prefix(cond, index["columns"]) == 1):
                found.append(("Tenant-wide Probe", index["table"], where + f" ({cond})"))
            elif repeated and kind != "Bitmap Index Scan" and not correlated(node):
                found.append(("Uncorrelated Rescan", index["table"], where + f" ({cond})"))
        # What a Materialize or Hash reads is read once and played back.
        once = kind in ("Materialize", "Hash")
        for key, value in node.items():
            if key == "Plans":
                for child in value:
                    inner = (kind == "Nested Loop"
                             and child.get("Parent Relationship") == "Inner")
                    found.extend(whole_scans(child, indexes, path,
                                             (repeated or inner) and not once))
            else:
                found.extend(whole_scans(value, indexes, path, repeated))
    elif isinstance(node, list):
        for value in node:
            found.extend(whole_scans(value, indexes, path, repeated))
    return found


def read_allow(path):
    entries = []
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            table, prefix, reason = (part.strip() for part in line.split("|", 2))
            entries.append((table, normalize(prefix), reason))
    return entries


def allowed(allow, text, tables):
    """The reason when every scanned table is allowed for this statement, else None."""
    reasons = []
    for table in tables:
        match = [r for t, p, r in allow if t == table and text.startswith(p)]
        if not match:
            return None
        reasons.append(match[0])
    return "; ".join(sorted(set(reasons)))


def report(label, text, scans, allow, error=None):
    shown = text if len(text) <= 80 else text[:77] + "..."
    if error:
        print(f"not ok - {label}: {shown} # error: {error}")
        return
    if not scans:
        print(f"ok - {label}: {shown}")
        return
    reason = allowed(allow, text, {table for _, table, _ in scans})
    what = ", ".join(sorted({f"{kind} on {table}" for kind, table, _ in scans}))
    if reason:
        print(f"ok - {label}: {shown} # allowed {what}: {reason}")
    else:
        print(f"not ok - {label}: {shown} # {what}")
        for path in sorted({path for _, _, path in scans}):
            print(f"#     {path}")


def read_plans(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def check_explain(phase, plans_path, indexes, allow):
    for number, row in enumerate(read_plans(plans_path), 1):
        text = normalize(row["sql"])
        plan = row.get("plan")
        report(f"{phase} statement {number}", text,
               whole_scans(plan, indexes) if plan else [], allow, row.get("error"))


LITERAL = re.compile(r"'(?:[^']|'')*'|\b\d+(?:\.\d+)?\b")


def function_of(text, functions):
    """Where a logged statement comes from: the waitroom function whose source holds most of
    it (PL/pgSQL logs a statement without its INTO, PERFORM as SELECT; a SQL function logs
    its whole body), a foreign-key check or action, else the workload itself."""
    best, best_size = None, 0
    for name, src in functions:
        if text[:60] in src:
            return name
    for name, src in functions:
        match = difflib.SequenceMatcher(None, text, src, autojunk=False).find_longest_match(
            0, len(text), 0, len(src))
        if match.size > best_size:
            best, best_size = name, match.size
    if best_size >= min(40, len(text) // 2):
        return best
    if re.match(r'(SELECT 1 FROM|DELETE FROM|UPDATE) ONLY "waitroom"\.', text):
        return "foreign key"
    return "workload"


def check_log(phase, log_path, offset, plans_path, functions_path, indexes, allow):
    c_statements = {normalize(row["sql"]) for row in read_plans(plans_path)}
    with open(functions_path) as f:
        functions = [(r["name"], normalize(r["src"])) for r in map(json.loads, f) if r]
    seen = {}  # key -> (text, {(kind, table, path)})
    entries = 0
    with open(log_path, "rb") as f:
        f.seek(offset)
        for raw in f:
            try:
                message = json.loads(raw).get("message", "")
            except ValueError:
                continue
            at = message.find("plan:\n")
            if not message.startswith("duration:") or at < 0:
                continue
            entry = json.loads(message[at + len("plan:\n"):])
            entries += 1
            text = normalize(entry.get("Query Text", ""))
            if text in c_statements or text.startswith("/* guard-setup */"):
                continue
            key = LITERAL.sub("?", text)
            _, scans = seen.setdefault(key, (text, set()))
            scans.update(whole_scans(entry.get("Plan"), indexes))
    if entries == 0:
        print(f"not ok - {phase} auto_explain logged no plan (is the log in {log_path}?)")
        return
    for text, scans in seen.values():
        report(f"{phase} {function_of(text, functions)}", text, scans, allow)


def main(argv):
    mode, phase = argv[1], argv[2]
    with open(argv[-2]) as f:
        indexes = {name: index for name, index in json.load(f).items()
                   if index["table"] in BIG_TABLES}
    allow = read_allow(argv[-1])
    if mode == "explain":
        check_explain(phase, argv[3], indexes, allow)
    elif mode == "log":
        check_log(phase, argv[3], int(argv[4]), argv[5], argv[6], indexes, allow)
    else:
        sys.exit(f"unknown mode {mode}")


if __name__ == "__main__":
    main(sys.argv)

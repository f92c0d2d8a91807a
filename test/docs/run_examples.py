#!/usr/bin/env python3
"""Runs the SQL examples of docs/*.md (test/suites/57-docs.sh; conventions: docs/sql-api.md
"How these pages are tested").

  run_examples.py blocks DB FILE.md    run FILE's examples in one psql session against DB
  run_examples.py catalog DB DOCS_DIR  every function, view and table of the extension has its
                                       heading in DOCS_DIR/sql-api.md or a page it links to

Each check prints "ok - ..." or "not ok - ..." (with what went wrong, indented "#"), and the
last line is "counts: P passed, F failed". psql and the connection come from the environment
(PGHOST, PGPORT, PGUSER as test/lib/cluster.sh exports them).

The blocks of a page:
  ```sql              run; with ON_ERROR_STOP, so an error ends the session (the blocks after
                      it fail as not run)
  ```output           right after a ```sql (or ```sql-error) block, blank lines between at most:
                      that block's standard output, exactly, in psql -X -q's default aligned
                      format (trailing whitespace of each line and of the whole ignored)
  ```sql-error 22023  must raise an ERROR, the first one with that SQLSTATE; the session goes on
Every other fence (sh, json, text, ...) is not run. One check per sql or sql-error block.
"""
import os
import re
import subprocess
import sys

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*?)\s*$")
SQLSTATE = re.compile(r"^[0-9A-Z]{5}$")
MARK = "@@wr-docs"
SESSION_SECONDS = int(os.environ.get("WR_DOCS_SESSION_SECONDS", "300"))

checks = {"passed": 0, "failed": 0}


def report(ok, name, detail=""):
    checks["passed" if ok else "failed"] += 1
    print(f"{'ok' if ok else 'not ok'} - {name}")
    if detail and not ok:
        for line in detail.rstrip("\n").split("\n"):
            print(f"#   {line}")


def fenced_blocks(path):
    """[(lang, args, first content line number, text, end line index)] of FILE's fences."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks = []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        fence, indent = m.group("fence"), len(m.group("indent"))
        info = m.group("info").split()
        start = i + 1
        j = start
        body = []
        while j < len(lines):
            close = FENCE.match(lines[j])
            if (close and close.group("fence")[0] == fence[0]
                    and len(close.group("fence")) >= len(fence) and not close.group("info")):
                break
            line = lines[j]
            body.append(line[min(indent, len(line) - len(line.lstrip(" "))):])
            j += 1
        blocks.append({"lang": info[0] if info else "", "args": info[1:], "line": i + 1,
                       "text": "\n".join(body), "open": i, "close": j})
        i = j + 1
    # An output block belongs to the sql block whose fence closes just before it.
    for prev, cur in zip(blocks, blocks[1:]):
        between = lines[prev["close"] + 1:cur["open"]]
        if (cur["lang"] == "output" and prev["lang"] in ("sql", "sql-error")
                and all(not l.strip() for l in between)):
            prev["output"] = cur
            cur["attached"] = True
    return blocks


def normalised(text):
    return "\n".join(l.rstrip() for l in text.split("\n")).rstrip()


def ends_statement(sql):
    """The block's last line ends a statement or is a psql command (else the next block's
    text would continue it)."""
    code = [l for l in (re.sub(r"--.*$", "", l).rstrip() for l in sql.split("\n")) if l.strip()]
    return not code or code[-1].endswith(";") or code[-1].lstrip().startswith("\\")


def run_blocks(db, path):
    name = os.path.relpath(path)
    blocks = fenced_blocks(path)
    runnable = []
    for b in blocks:
        label = f"{name}:{b['line']} ```{' '.join([b['lang']] + b['args'])}"
        if b["lang"] == "output" and not b.get("attached"):
            report(False, label, "an output block that follows no sql block")
        elif b["lang"] == "sql-error" and (len(b["args"]) != 1 or not SQLSTATE.match(b["args"][0])):
            report(False, label, "sql-error needs one SQLSTATE, e.g. ```sql-error 22023")
        elif b["lang"] in ("sql", "sql-error") and not ends_statement(b["text"]):
            report(False, label, "the block's last statement has no ';'")
        elif b["lang"] in ("sql", "sql-error"):
            runnable.append((label, b))
    if not runnable:
        return

    # One script: each block between markers on both streams, so that its stdout and stderr
    # are told apart from its neighbours' whatever the interleaving.
    script = ["\\set VERBOSITY verbose", "\\set ON_ERROR_STOP 1"]
    for n, (_, b) in enumerate(runnable):
        script += [f"\\echo {MARK} start {n}", f"\\warn {MARK} start {n}"]
        if b["lang"] == "sql-error":
            script.append("\\set ON_ERROR_STOP 0")
        script.append(b["text"])
        if b["lang"] == "sql-error":
            script.append("\\set ON_ERROR_STOP 1")
        script += [f"\\echo {MARK} end {n}", f"\\warn {MARK} end {n}"]
    try:
        proc = subprocess.run(["psql", "-X", "-q", "-d", db, "-f", "-"],
                              input="\n".join(script) + "\n", capture_output=True, text=True,
                              timeout=SESSION_SECONDS)
        out, err = proc.stdout, proc.stderr
    except subprocess.TimeoutExpired as e:
        def text(s):
            return s.decode() if isinstance(s, bytes) else (s or "")
        out, err = text(e.stdout), text(e.stderr) + f"\n(the session timed out after {SESSION_SECONDS} s)"

    def segments(stream):
        seg, cur, done = {}, None, set()
        for line in stream.split("\n"):
            m = re.fullmatch(rf"{MARK} (start|end) (\d+)", line)
            if m:
                cur = int(m.group(2)) if m.group(1) == "start" else None
                if m.group(1) == "start":
                    seg[cur] = []
                else:
                    done.add(int(m.group(2)))
            elif cur is not None:
                seg[cur].append(line)
        return {k: "\n".join(v) for k, v in seg.items()}, done

    outs, finished = segments(out)
    errs, _ = segments(err)
    stopped = None
    for n, (label, b) in enumerate(runnable):
        o, e = outs.get(n, ""), errs.get(n, "")
        if n not in finished:
            if stopped is None:
                stopped = n
                tail = e or err[-2000:]
                report(False, label, "the session stopped here (ON_ERROR_STOP):\n" + tail)
            else:
                report(False, label, f"not run: the session stopped at {runnable[stopped][0]}")
            continue
        problems = []
        if b["lang"] == "sql-error":
            states = re.findall(r"ERROR:  ([0-9A-Z]{5}):", e)
            want = b["args"][0]
            if not states:
                problems.append(f"expected an ERROR with SQLSTATE {want}, the block succeeded")
            elif states[0] != want:
                problems.append(f"expected SQLSTATE {want}, got {states[0]}:\n{e}")
        if "output" in b and normalised(o) != normalised(b["output"]["text"]):
            import difflib
            diff = difflib.unified_diff(normalised(b["output"]["text"]).split("\n"),
                                        normalised(o).split("\n"), "expected", "actual",
                                        lineterm="")
            problems.append("output differs:\n" + "\n".join(diff))
        report(not problems, label, "\n".join(problems))


def psql_rows(db, sql):
    proc = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\t", "-v", "ON_ERROR_STOP=1",
                           "-d", db, "-c", sql], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr)
    return [l.split("\t") for l in proc.stdout.split("\n") if l]


# Members of the extension (pg_depend deptype 'e'): functions, tables, views, materialized
# views; internal ones (a leading "_") are not documented.
MEMBERS = r"""
SELECT DISTINCT kind, name FROM (
    SELECT 'function' AS kind, p.proname AS name
      FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND p.oid = d.objid
     WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
       AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'waitroom')
    UNION ALL
    SELECT CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'view' ELSE 'table' END, c.relname
      FROM pg_depend d JOIN pg_class c ON d.classid = 'pg_class'::regclass AND c.oid = d.objid
     WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
       AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'waitroom')
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f')) m
 WHERE name !~ '^_'
 ORDER BY name
"""

LINK = re.compile(r"\]\(\s*(?:\./)?([^)#\s/]+\.md)(?:#[^)]*)?\s*\)")


def check_catalog(db, docs):
    index = os.path.join(docs, "sql-api.md")
    pages = [index]
    if os.path.exists(index):
        with open(index, encoding="utf-8") as f:
            for target in LINK.findall(f.read()):
                page = os.path.join(docs, target)
                if page not in pages and os.path.exists(page):
                    pages.append(page)
    headings = {}
    for page in pages:
        if not os.path.exists(page):
            continue
        with open(page, encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^###\s+`?waitroom\.([A-Za-z0-9_]+)", line)
                if m:
                    headings.setdefault(m.group(1), os.path.relpath(page))
    try:
        members = psql_rows(db, MEMBERS)
    except RuntimeError as e:
        report(False, "the extension's members can be listed", str(e))
        return
    if not members:
        report(False, "the extension has members", "no function, view or table found")
    searched = ", ".join(os.path.relpath(p) for p in pages)
    for kind, name in members:
        where = headings.get(name)
        report(where is not None,
               f"{kind} waitroom.{name} has a heading" + (f" ({where})" if where else ""),
               f"no '### waitroom.{name}' in {searched}")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("blocks", "catalog"):
        sys.exit(__doc__)
    _, mode, db, path = sys.argv
    if mode == "blocks":
        run_blocks(db, path)
    else:
        check_catalog(db, path)
    print(f"counts: {checks['passed']} passed, {checks['failed']} failed")
    sys.exit(1 if checks["failed"] else 0)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Suite 55: what a DBA runs on an existing server, and what PGXN reads.
#  - META.json against the PGXN Meta Spec 1.0.0 (https://pgxn.org/spec/): required keys and
#    types, license, versions, prereqs; provides.*.file is the install script `make` builds, and
#    every version equals the control file's default_version and the Makefile's EXTVERSION. No
#    PGXN validator is packaged for Debian, so a stdlib Python checker does it; it must also
#    reject broken copies of META.json (one check each), or it proves nothing.
#  - `make installcheck`'s pg_regress tests (test/sql, test/expected) against a throwaway cluster
#    with PostgreSQL's default settings: first on a cluster that has never seen the extension
#    (CREATE EXTENSION creates the roles), then again with the roles already there. Its isolation
#    specs run once, in suite 30 (the same `make installcheck`, default settings).
# Counts one pass or fail per META check and per pg_regress test; ends with
# "suite-result: P passed, F failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
source test/lib/cluster.sh

fail() { echo "55-installcheck: $1"; echo "suite-result: $passed passed, $((failed + 1)) failed"; exit 1; }
passed=0
failed=0
make -s -j2 >/dev/null && make -s install >/dev/null || fail "extension build failed"

# ---------------------------------------------------------------- META.json
meta_check() {  # meta_check FILE -> prints the problems, exits 1 if any
  python3 - "$1" <<'PY'
import json, re, sys

path = sys.argv[1]
problems = []
def bad(msg): problems.append(msg)

try:
    with open(path) as f:
        meta = json.load(f)
except ValueError as e:
    print(f"not JSON: {e}"); sys.exit(1)

SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-?[A-Za-z][0-9A-Za-z-]*)?$")
RANGE = re.compile(r"^\s*(==|!=|>=|<=|>|<)?\s*(\S+)\s*$")
LICENSES = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd",
            "gfdl_1_2", "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit",
            "mozilla_1_0", "mozilla_1_1", "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay",
            "sun", "zlib", "open_source", "restricted", "unrestricted", "unknown"}
URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$")
TOP = {"name", "abstract", "version", "maintainer", "license", "provides", "meta-spec",
       "description", "generated_by", "tags", "no_index", "prereqs", "release_status", "resources"}
REQUIRED = ["name", "abstract", "version", "maintainer", "license", "provides", "meta-spec"]

def custom(k): return k.startswith(("x_", "X_"))
def text(v): return isinstance(v, str) and v.strip() != ""
def valid_name(v):
    return isinstance(v, str) and len(v) >= 2 and not re.search(r"[/\\\s\x00-\x1f\x7f]", v)
def valid_range(v):
    if not isinstance(v, str): return False
    if v.strip() == "0": return True
    return all((m := RANGE.match(c)) and SEMVER.match(m.group(2)) for c in v.split(","))

for k in REQUIRED:
    if k not in meta: bad(f"missing required key {k!r}")
for k in meta:
    if k not in TOP and not custom(k): bad(f"unknown key {k!r}")

if "name" in meta and not valid_name(meta["name"]): bad("name: at least 2 characters, no slash, backslash, space or control character")
if "abstract" in meta and not text(meta["abstract"]): bad("abstract: non-empty string")
if "description" in meta and not text(meta["description"]): bad("description: non-empty string")
if "generated_by" in meta and not text(meta["generated_by"]): bad("generated_by: non-empty string")
if "version" in meta and not (isinstance(meta["version"], str) and SEMVER.match(meta["version"])):
    bad("version: not a semantic version")
m = meta.get("maintainer")
if "maintainer" in meta and not (text(m) or (isinstance(m, list) and m and all(text(x) for x in m))):
    bad("maintainer: a string or a non-empty list of strings")
lic = meta.get("license")
if "license" in meta:
    if isinstance(lic, str): ok = lic in LICENSES
    elif isinstance(lic, list): ok = bool(lic) and all(isinstance(x, str) and x in LICENSES for x in lic)
    elif isinstance(lic, dict): ok = bool(lic) and all(text(k) and isinstance(v, str) and URL.match(v) for k, v in lic.items())
    else: ok = False
    if not ok: bad(f"license: {lic!r} is not a PGXN license string, list of them, or name-to-URL object")

ms = meta.get("meta-spec")
if "meta-spec" in meta:
    if not isinstance(ms, dict) or ms.get("version") != "1.0.0":
        bad("meta-spec: an object with version \"1.0.0\"")
    elif "url" in ms and not (isinstance(ms["url"], str) and URL.match(ms["url"])):
        bad("meta-spec.url: not a URL")
    elif any(k not in ("version", "url") and not custom(k) for k in ms):
        bad("meta-spec: unknown key")

pv = meta.get("provides")
if "provides" in meta:
    if not isinstance(pv, dict) or not pv:
        bad("provides: a non-empty object")
    else:
        for ext, spec in pv.items():
            if not valid_name(ext): bad(f"provides: bad extension name {ext!r}")
            if not isinstance(spec, dict): bad(f"provides.{ext}: an object"); continue
            for k in ("file", "version"):
                if k not in spec: bad(f"provides.{ext}: missing required key {k!r}")
            for k in spec:
                if k not in ("file", "version", "abstract", "docfile") and not custom(k):
                    bad(f"provides.{ext}: unknown key {k!r}")
            if "file" in spec and not text(spec["file"]): bad(f"provides.{ext}.file: non-empty string")
            if "docfile" in spec and not text(spec["docfile"]): bad(f"provides.{ext}.docfile: non-empty string")
            if "abstract" in spec and not text(spec["abstract"]): bad(f"provides.{ext}.abstract: non-empty string")
            if "version" in spec and not (isinstance(spec["version"], str) and SEMVER.match(spec["version"])):
                bad(f"provides.{ext}.version: not a semantic version")

pr = meta.get("prereqs")
if "prereqs" in meta:
    if not isinstance(pr, dict): bad("prereqs: an object")
    else:
        for phase, rels in pr.items():
            if phase not in ("configure", "build", "test", "runtime", "develop") and not custom(phase):
                bad(f"prereqs: unknown phase {phase!r}"); continue
            if not isinstance(rels, dict): bad(f"prereqs.{phase}: an object"); continue
            for rel, reqs in rels.items():
                if rel not in ("requires", "recommends", "suggests", "conflicts") and not custom(rel):
                    bad(f"prereqs.{phase}: unknown relationship {rel!r}"); continue
                if not isinstance(reqs, dict): bad(f"prereqs.{phase}.{rel}: an object"); continue
                for name, rng in reqs.items():
                    if not valid_name(name) or not valid_range(rng):
                        bad(f"prereqs.{phase}.{rel}.{name}: {rng!r} is not a version range")

if "tags" in meta and not (isinstance(meta["tags"], list) and meta["tags"]
                           and all(text(t) and len(t) <= 255 for t in meta["tags"])):
    bad("tags: a non-empty list of strings of at most 255 characters")
if "release_status" in meta and meta["release_status"] not in ("stable", "testing", "unstable"):
    bad("release_status: stable, testing or unstable")
rs = meta.get("resources")
if "resources" in meta:
    shape = {"homepage": None, "bugtracker": ("web", "mailto"), "repository": ("url", "web", "type")}
    if not isinstance(rs, dict): bad("resources: an object")
    else:
        for k, v in rs.items():
            if custom(k): continue
            if k not in shape: bad(f"resources: unknown key {k!r}")
            elif shape[k] is None:
                if not (isinstance(v, str) and URL.match(v)): bad(f"resources.{k}: not a URL")
            elif not isinstance(v, dict) or not v or any(s not in shape[k] and not custom(s) for s in v):
                bad(f"resources.{k}: an object of {', '.join(shape[k])}")
            else:
                for s in ("url", "web"):
                    if s in v and not (isinstance(v[s], str) and URL.match(v[s])):
                        bad(f"resources.{k}.{s}: not a URL")
if "no_index" in meta:
    ni = meta["no_index"]
    if not isinstance(ni, dict) or any(k not in ("file", "directory") and not custom(k) for k in ni):
        bad("no_index: an object of file and directory")

# This tree: the name is the extension's, the file is the install script `make` built, and one
# version everywhere.
with open("waitroom.control") as f:
    control = re.search(r"^default_version\s*=\s*'([^']*)'", f.read(), re.M).group(1)
with open("Makefile") as f:
    mk = f.read()
extversion = re.search(r"^EXTVERSION\s*=\s*(\S+)", mk, re.M).group(1)
extension = re.search(r"^EXTENSION\s*=\s*(\S+)", mk, re.M).group(1)
if control != extversion: bad(f"waitroom.control default_version {control} != Makefile EXTVERSION {extversion}")
if meta.get("name") != extension: bad(f"name {meta.get('name')!r} is not the extension {extension!r}")
if meta.get("version") != extversion: bad(f"version {meta.get('version')!r} != EXTVERSION {extversion}")
if isinstance(pv, dict):
    if extension not in pv: bad(f"provides names no {extension!r}")
    else:
        spec = pv[extension] if isinstance(pv[extension], dict) else {}
        script = f"sql/{extension}--{extversion}.sql"
        if spec.get("version") != extversion: bad(f"provides.{extension}.version {spec.get('version')!r} != EXTVERSION {extversion}")
        if spec.get("file") != script: bad(f"provides.{extension}.file {spec.get('file')!r} is not the install script {script}")
    import os
    # Every extension of the tree (a control file at the top) is provided, with its own control
    # file's version and install script, installed by the Makefile; one that requires waitroom
    # says so.
    controls = sorted(f[:-len(".control")] for f in os.listdir(".") if f.endswith(".control"))
    for ext in controls:
        if ext not in pv: bad(f"provides names no {ext!r} ({ext}.control is in the tree)")
    for ext, spec in pv.items():
        if ext == extension or not isinstance(spec, dict): continue
        if ext not in controls: bad(f"provides.{ext}: no {ext}.control"); continue
        with open(f"{ext}.control") as f:
            ctl = f.read()
        m = re.search(r"^default_version\s*=\s*'([^']*)'", ctl, re.M)
        version = m.group(1) if m else None
        if version != extversion: bad(f"{ext}.control default_version {version!r} != EXTVERSION {extversion}")
        if spec.get("version") != version: bad(f"provides.{ext}.version {spec.get('version')!r} != {ext}.control default_version {version!r}")
        script = f"sql/{ext}--{version}.sql"
        if spec.get("file") != script: bad(f"provides.{ext}.file {spec.get('file')!r} is not its install script {script}")
        data = re.search(r"^DATA\s*=(.*)$", mk, re.M)
        installed = data.group(1).replace("$(EXTVERSION)", extversion).split() if data else []
        for f in (f"{ext}.control", script):
            if f not in installed: bad(f"the Makefile's DATA does not install {f}")
        m = re.search(r"^requires\s*=\s*'([^']*)'", ctl, re.M)
        if extension not in [r.strip() for r in (m.group(1).split(",") if m else [])]:
            bad(f"{ext}.control does not require {extension}")
    for ext, spec in pv.items():
        if isinstance(spec, dict):
            for k in ("file", "docfile"):
                if isinstance(spec.get(k), str) and not os.path.isfile(spec[k]):
                    bad(f"provides.{ext}.{k}: {spec[k]} does not exist")
if meta.get("license") == "postgresql":
    try:
        with open("LICENSE") as f:
            if "PostgreSQL License" not in f.read(): bad("LICENSE is not the PostgreSQL License")
    except OSError:
        bad("license postgresql but no LICENSE file")

for p in problems: print(p)
sys.exit(1 if problems else 0)
PY
}

check() {  # check NAME: counts a pass when the command after NAME succeeds
  local name=$1; shift
  if "$@"; then passed=$((passed + 1)); echo "ok - $name"
  else failed=$((failed + 1)); echo "not ok - $name"; fi
}
meta_rejects() {  # meta_rejects PYTHON-EDIT: a copy of META.json so edited must fail the check
  local copy out
  copy=$(mktemp)
  python3 -c "import json,sys; m=json.load(open('META.json')); $1; json.dump(m, open(sys.argv[1], 'w'))" "$copy"
  out=$(meta_check "$copy")
  local rc=$?
  rm -f "$copy"
  echo "    $1 -> ${out//$'\n'/; }"
  [ "$rc" -ne 0 ] && [ -n "$out" ]
}

check "META.json is valid and matches this tree" meta_check META.json
check "rejects: no abstract" meta_rejects "del m['abstract']"
check "rejects: provides file not the install script" meta_rejects "m['provides']['waitroom']['file']='sql/src/10_schema.sql'"
check "rejects: provides file missing" meta_rejects "m['provides']['waitroom'].pop('file')"
check "rejects: version not EXTVERSION" meta_rejects "m['version']='9.9.9'"
check "rejects: provides version not EXTVERSION" meta_rejects "m['provides']['waitroom']['version']='0.0.9'"
check "rejects: unknown license" meta_rejects "m['license']='PostgreSQL License'"
check "rejects: meta-spec 2.0" meta_rejects "m['meta-spec']['version']='2.0.0'"
check "rejects: prereq not a version range" meta_rejects "m['prereqs']['runtime']['requires']['PostgreSQL']='fifteen'"
check "rejects: maintainer empty" meta_rejects "m['maintainer']=[]"
check "rejects: unknown top-level key" meta_rejects "m['homepage']='https://example.org'"
check "rejects: waitroom_pgtap not provided" meta_rejects "del m['provides']['waitroom_pgtap']"
check "rejects: waitroom_pgtap file not its install script" \
  meta_rejects "m['provides']['waitroom_pgtap']['file']='sql/waitroom--0.2.0.sql'"
check "rejects: waitroom_pgtap version not its control file's" \
  meta_rejects "m['provides']['waitroom_pgtap']['version']='0.1.0'"
check "rejects: a provided extension with no control file" \
  meta_rejects "m['provides']['waitroom_extra']=dict(m['provides']['waitroom_pgtap'])"

# ---------------------------------------------------------------- make installcheck
wr_cluster_start || fail "cluster did not start"
# PostgreSQL's defaults, not the test cluster's tuning (cluster.sh sets these in postgresql.conf).
wr_psql -c "ALTER SYSTEM SET max_locks_per_transaction = 64" -c "ALTER SYSTEM SET fsync = on" \
        -c "ALTER SYSTEM SET synchronous_commit = on" -c "ALTER SYSTEM SET full_page_writes = on" \
  || fail "ALTER SYSTEM failed"
wr_cluster_ctl restart || fail "cluster did not restart"

out=$(mktemp -d)
log=$(mktemp)
installcheck() {  # installcheck LABEL [make args]: counts pg_regress's ok / FAILED lines
  local label=$1; shift
  make installcheck TESTOUT="$out/$label" "$@" 2>&1 | tee "$log" | grep -E '^(test |ok |not ok |# )|tests' | grep -v ' 0 tests'
  local rc=${PIPESTATUS[0]}
  local p f
  p=$(grep -cE '^(test +)?[A-Za-z0-9_-]+ +\.\.\. ok' "$log")
  f=$(grep -cE '^(test +)?[A-Za-z0-9_-]+ +\.\.\. FAILED' "$log")
  [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && { tail -20 "$log"; f=1; }
  [ "$p" -eq 0 ] && [ "$f" -eq 0 ] && f=1  # no test ran is a failure
  for d in "$out/$label/regress" "$out/$label"; do
    [ -s "$d/regression.diffs" ] && { echo "---- $d/regression.diffs"; cat "$d/regression.diffs"; }
  done
  echo "$label: $p ok, $f failed"
  passed=$((passed + p)); failed=$((failed + f))
}
wr_psql -tAc "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'waitroom\_%'" | grep -qx 0 \
  || fail "the fresh cluster already has waitroom roles"
installcheck regress-fresh ISOLATION=
installcheck all-roles-exist ISOLATION=
rm -rf "$out" "$log"
echo "suite-result: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

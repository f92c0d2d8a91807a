#!/usr/bin/env python3
"""Rewrites the LANGUAGE sql functions of a pgTAP file or helper into PL/pgSQL (stdin -> stdout).

Citus cannot plan a statement of a SQL function that reads a distributed table with the
function's parameters in it ("could not create distributed plan ... parameters in SQL
functions"); PL/pgSQL plans each statement with the values (custom plans), which Citus can
route. `#variable_conflict use_column` keeps SQL functions' rule: a column wins over a parameter
of the same name. Scalar and void functions become RETURN (<query>) / <statements>; functions
returning a set become RETURN QUERY <query>."""
import re
import sys

src = sys.stdin.read()
pat = re.compile(
    r"(CREATE (?:OR REPLACE )?FUNCTION\s+[^;]*?RETURNS\s+(?P<ret>SETOF\s+\w+|TABLE\s*\([^)]*\)|[\w\[\]. ]+?)\s*)"
    r"LANGUAGE sql(?P<mid>[^$]*?)AS\s*\$(?P<tag>\w*)\$(?P<body>.*?)\$(?P=tag)\$",
    re.S | re.I)


def convert(m):
    ret = m.group("ret").strip()
    body = m.group("body").strip().rstrip(";").strip()
    tag = m.group("tag") or "f"
    if ret.lower() == "void":
        new = "BEGIN\n  %s;\nEND" % body
    elif ret.upper().startswith("SETOF") or ret.upper().startswith("TABLE"):
        new = "BEGIN\n  RETURN QUERY %s;\nEND" % body
    elif ";" in body:
        return m.group(0)  # several statements returning a value: left as it is
    else:
        new = "BEGIN\n  RETURN (%s);\nEND" % body
    return "%sLANGUAGE plpgsql%sAS $%s$\n#variable_conflict use_column\n%s $%s$" % (
        m.group(1), m.group("mid"), tag, new, tag)


sys.stdout.write(pat.sub(convert, src))

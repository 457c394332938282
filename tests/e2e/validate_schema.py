#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Validates ntfslinks reports against report/schema.json (JSON Schema draft 2020-12).

    validate_schema.py SCHEMA --check-schema       the schema itself is a valid draft 2020-12 schema
    validate_schema.py SCHEMA FILE...              each FILE is a report: *.ndjson files line by line
                                                   against $defs/ndjson_line, anything else as one document
    validate_schema.py SCHEMA --ndjson FILE...     every FILE as NDJSON
    validate_schema.py SCHEMA --json FILE...       every FILE as one document

Prints one line per file ("ok: FILE" or the first errors, with the JSON path of each) and exits 1 when any
file does not validate, 2 on a usage error. Needs python3-jsonschema (4.x).
"""
import json
import sys

import jsonschema
from jsonschema import Draft202012Validator

MAX_ERRORS = 5


def where(err):
    return "$" + "".join(f"[{p!r}]" if isinstance(p, str) else f"[{p}]" for p in err.absolute_path)


def describe(err):
    # for a oneOf (the NDJSON line), the branch errors say more than "is not valid under any of"
    best = jsonschema.exceptions.best_match([err])
    return f"{where(best)}: {best.message}"


def errors_of(validator, obj):
    return sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))


def check_document(validator, path):
    try:
        with open(path, encoding="utf-8") as f:
            obj = json.load(f)
    except (OSError, ValueError) as e:
        return [f"not JSON: {e}"]
    return [describe(e) for e in errors_of(validator, obj)[:MAX_ERRORS]]


def branch_validators(schema):
    """One validator per NDJSON line type, from the oneOf branches: their errors say what is wrong with a
    line of that type, where the oneOf only says that no branch matched."""
    out = {}
    for branch in schema["$defs"]["ndjson_line"]["oneOf"]:
        t = branch["properties"]["type"]["const"]
        out[t] = Draft202012Validator({"$schema": schema.get("$schema"), "$defs": schema["$defs"], **branch})
    return out


def check_ndjson(validator, branches, path):
    problems = []
    types = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        return [str(e)]
    with f:
        for n, line in enumerate(f, 1):
            if len(problems) >= MAX_ERRORS:
                break
            try:
                obj = json.loads(line)
            except ValueError as e:
                problems.append(f"line {n}: not JSON: {e}")
                continue
            t = obj.get("type") if isinstance(obj, dict) else None
            types.append(t)
            errs = errors_of(validator, obj)
            if not errs:
                continue
            if t not in branches:
                problems.append(f"line {n}: type {t!r} is none of {sorted(branches)}")
                continue
            specific = errors_of(branches[t], obj)
            for e in (specific or errs)[:2]:
                msg = describe(e)
                problems.append(f"line {n} ({t}): {msg[:300]}{'...' if len(msg) > 300 else ''}")
    # the order the format promises: the report line first, then each volume line before its items
    if not problems:
        if not types or types[0] != "report" or types.count("report") != 1:
            problems.append("the first line, and only it, must be of type report")
        elif len(types) > 1 and types[1] != "volume":
            problems.append("the second line must be of type volume")
    return problems


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        schema = json.load(f)
    if argv[1] == "--check-schema":
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.exceptions.SchemaError as e:
            print(f"FAIL: {argv[0]} is not a valid draft 2020-12 schema: {e.message} at {list(e.absolute_path)}")
            return 1
        print(f"ok: {argv[0]} is a valid draft 2020-12 schema")
        return 0
    mode = None
    files = argv[1:]
    if files[0] in ("--json", "--ndjson"):
        mode, files = files[0], files[1:]
    doc = Draft202012Validator(schema)
    # the line schema: the same $defs, entered at ndjson_line instead of at the document
    line = Draft202012Validator({"$schema": schema.get("$schema"), "$defs": schema["$defs"],
                                 "$ref": "#/$defs/ndjson_line"})
    branches = branch_validators(schema)
    status = 0
    for path in files:
        nd = mode == "--ndjson" or (mode is None and path.endswith(".ndjson"))
        problems = check_ndjson(line, branches, path) if nd else check_document(doc, path)
        if problems:
            status = 1
            print(f"FAIL: {path} ({'NDJSON' if nd else 'JSON'})")
            for p in problems:
                print(f"    {p}")
        else:
            print(f"ok: {path} ({'NDJSON' if nd else 'JSON'})")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

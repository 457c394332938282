#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks of the HTML report (tests/e2e/html.sh, html_browser.sh).

html_check.py static REPORT.html
    the page loads nothing: a Content-Security-Policy with default-src 'none' whose script hash is that of
    the page's one script; no src=, no link to another page, no url( or @import in the style.
html_check.py istat REPORT.html IMAGE_DIR MAX
    runs up to MAX of the istat commands the page shows (in IMAGE_DIR, where the report was made) and checks
    each prints the header of the record it names.
html_check.py dom DOM.html REPORT.json [hostile]
    the test hook's JSON in the DOM headless Chromium dumped: every table's row count equals the JSON
    report's list of the same run (and options: --only too), the self test sorted and filtered every table, the page holds one
    script and no image, frame or outside link; hostile: the title is still the report's own.
"""
import base64
import hashlib
import html
import json
import re
import subprocess
import sys


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def static(path):
    page = open(path, encoding="utf-8").read()
    csp = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    if len(csp) != 1:
        fail("%s: %d Content-Security-Policy metas, expected 1" % (path, len(csp)))
    policy = dict((d.split()[0], d.split()[1:]) for d in csp[0].split("; "))
    for d in ("default-src", "img-src", "connect-src", "base-uri", "form-action"):
        if policy.get(d) != ["'none'"]:
            fail("%s: CSP %s is %s, expected 'none'" % (path, d, policy.get(d)))
    scripts = re.findall(r"<script>(.*?)</script>", page, re.S)
    if len(scripts) != 1 or page.count("<script") != 1:
        fail("%s: %d scripts, expected exactly the page's own" % (path, page.count("<script")))
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode("utf-8")).digest()).decode()
    if policy.get("script-src") != ["'sha256-%s'" % digest]:
        fail("%s: CSP script-src %s is not the script's hash sha256-%s" % (path, policy.get("script-src"), digest))
    for bad in (r"\ssrc=", r"href=\"(?!#)", r"url\((?!#)", r"@import", r"<link", r"<iframe", r"<object", r"<embed"):
        m = re.search(bad, page)
        if m:
            fail("%s: the page refers outside itself: %r" % (path, page[max(0, m.start() - 60):m.end() + 60]))
    print("ok: %s: loads nothing (CSP default-src 'none', script-src its own hash)" % path)


def istat(path, cwd, most):
    page = open(path, encoding="utf-8").read()
    cmds = [html.unescape(c) for c in re.findall(r"<code class=\"cmd\">(istat [^<]*)</code>", page)]
    if not cmds:
        fail("%s: no istat command" % path)
    uniq = list(dict.fromkeys(cmds))
    prefixes, first = set(), []
    for c in uniq:  # one command of every volume (-o) first, then the others in page order
        p = c.rsplit(" ", 1)[0]
        if p not in prefixes:
            prefixes.add(p)
            first.append(c)
    ran = 0
    for c in first + [c for c in uniq if c not in first]:
        rec = c.split()[-1]
        out = subprocess.run(["sh", "-c", c], cwd=cwd, capture_output=True, text=True, timeout=60)
        if out.returncode != 0 or not re.search(r"^Entry:\s+%s\s" % rec, out.stdout, re.M):
            fail("%s: `%s` did not show record %s: %s" % (path, c, rec, (out.stdout + out.stderr)[:300]))
        ran += 1
        if ran >= most:
            break
    print("ok: %s: %d istat commands (%d volumes) show their records" % (path, ran, len(prefixes)))


def dom(path, report, hostile):
    text = open(path, encoding="utf-8").read()
    m = re.search(r'<output id="test-hook">(.*?)</output>', text, re.S)
    if not m or not m.group(1).strip():
        fail("%s: the page's script did not run (no test hook output)" % path)
    hook = json.loads(html.unescape(m.group(1)))
    rep = json.load(open(report, encoding="utf-8"))
    want = {}
    for v in rep["volumes"]:
        if "stats" not in v:
            continue
        i = v["index"]
        want["v%d-findings" % i] = len(v.get("findings", []))
        stale = sum(1 for r in v["reparse_points"] if r["allocated"] and r.get("target")
                    and r["target"]["status"] not in ("ok", "external", "remote"))
        if not rep["run"].get("only") and stale != v["stats"]["stale_links"]:
            fail("%s: %d reparse points need attention, stats.stale_links says %d" % (report, stale, v["stats"]["stale_links"]))
        want["v%d-stale" % i] = stale
        want["v%d-reparse" % i] = len(v["reparse_points"])
        want["v%d-sets" % i] = len(v["hardlink_sets"])
        want["v%d-posix" % i] = len(v.get("posix_links", []))
        want["v%d-shortcuts" % i] = len(v.get("shortcuts", []))
        want["v%d-anomalies" % i] = len(v["anomalies"])
        if v.get("usn"):
            want["v%d-usn" % i] = len(v["usn"]["link_events"])
        want["v%d-removed" % i] = len(v.get("removed_names", []))
        sc = v.get("shadow_copies", [])
        want["v%d-shadow" % i] = len(sc)
        want["v%d-shadow_changes" % i] = sum(len(s.get("changes", [])) for s in sc)
    rows = hook["rows"]
    for t in rows:
        if t not in want:
            fail("%s: table %s is not one the JSON has a list for" % (path, t))
    for t, n in sorted(want.items()):
        if rows.get(t, 0) != n:
            fail("%s: table %s has %d rows in the browser, the JSON report %d" % (path, t, rows.get(t, 0), n))
    st = hook.get("selftest") or {}
    for t, n in rows.items():
        if n and st.get(t) != {"sorted": True, "filtered": True}:
            fail("%s: table %s: sorting or filtering failed in the browser: %s" % (path, t, st.get(t)))
    el = hook["elements"]
    if el["script"] != 1 or el["img"] or el["iframe"] or el["object"] or el["embed"] or el['a[href^="http"]']:
        fail("%s: elements the page must not hold: %s" % (path, el))
    if hostile and (not hook["title"].startswith("ntfslinks: ") or "PWNED" in hook["title"]):
        fail("%s: the page's title was changed: %r" % (path, hook["title"]))
    print("ok: %s: %d tables, %d rows as in the JSON, sorted and filtered in the browser; elements %s" %
          (path, len(rows), sum(rows.values()), json.dumps(el)))


if sys.argv[1] == "static":
    static(sys.argv[2])
elif sys.argv[1] == "istat":
    istat(sys.argv[2], sys.argv[3], int(sys.argv[4]))
elif sys.argv[1] == "dom":
    dom(sys.argv[2], sys.argv[3], len(sys.argv) > 4)
else:
    fail("unknown check " + sys.argv[1])

#!/usr/bin/env python3
# Usage: python3 bench/index/windows-held.py OLD.sqlite NEW.sqlite <window name of ../shared/datasets>
# Per dataset window: labelled picks held by the stable branch in the old-code index vs the new-code index.
import json, sqlite3, sys
old_db, new_db, name = sys.argv[1], sys.argv[2], sys.argv[3]
d = json.load(open('/work/shared/datasets/datasets.json'))
w = [x for x in d if x['name'] == name][0]
br = w['stable_branch']
labels = [l.split() for l in open(f"/work/shared/datasets/labels/{name}.txt") if l.strip()]
def held(db):
    c = sqlite3.connect(db)
    out = {}
    for up, via in c.execute("SELECT upstream_sha, via FROM branch_commits WHERE branch=? AND upstream_sha IS NOT NULL", (br,)):
        out.setdefault(up, via)
    return out, c
o, _ = held(old_db); n, c = held(new_db)
pos = [s for s, l in labels if l == '1']; neg = [s for s, l in labels if l == '0']
lost = [s for s in pos if s in o and s not in n]
print(f"{name} ({br}): labelled picks {len(pos)}; held old {sum(s in o for s in pos)}, new {sum(s in n for s in pos)}; lost {len(lost)}")
for s in lost: print("  LOST", s[:12], o[s])
newneg = [s for s in neg if s in n and s not in o]
print(f"  label-0 commits newly held: {len(newneg)}; label-0 held by both: {sum(s in n and s in o for s in neg)}")
for s in newneg[:8]:
    subj = c.execute("SELECT subject FROM commits WHERE sha=?", (s,)).fetchone()
    pick = c.execute("SELECT sha FROM branch_commits WHERE branch=? AND upstream_sha=?", (br, s)).fetchone()
    print("   ", s[:12], n[s], "as", pick[0][:12] if pick else '?', (subj[0] if subj else '')[:70])

#!/bin/bash
# Alternating runs in one session: the raw git log, an old build (a copy of dist/ + bin/ in /tmp/before), the current build.
# Usage: [OLD=/tmp/before] [NEW=/work/main] bench/index/ab-old-new.sh [runs]
R=/work/.mirror/DPDK+dpdk/repo
OLD=${OLD:-/tmp/before}
NEW=${NEW:-/work/main}
F='%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B'
for i in $(seq 1 ${1:-5}); do
  uptime | sed 's/.*load/load/'
  /usr/bin/time -f 'raw %e' sh -c "git --git-dir=$R log --all -z '--format=$F' --raw --no-renames --no-abbrev > /dev/null"
  rm -f /tmp/o.sqlite*; /usr/bin/time -f 'old %e' node $OLD/bin/stablepick.js index --repo $R --db /tmp/o.sqlite --json >/dev/null
  rm -f /tmp/n.sqlite*; /usr/bin/time -f 'new %e' node $NEW/bin/stablepick.js index --repo $R --db /tmp/n.sqlite --json >/dev/null
done 2>&1

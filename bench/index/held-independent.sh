#!/bin/bash
# Independent check (no stablepick code): which commits of <range> does <branch> already carry?
# A commit is carried when git cherry finds the same patch-id on the branch since the merge base, or when
# a branch commit has the same author email and author date (an adapted pick), or names its sha in a
# "cherry picked from" line.  Usage: bench/index/held-independent.sh <gitdir> <branch> <since> <until>
set -euo pipefail
G=$1; B=$2; SINCE=$3; UNTIL=$4
T=$(mktemp -d)
# 1. patch-id equal: git cherry marks '-' for commits of SINCE..UNTIL with an equivalent on B.
git -C "$G" cherry "$B" "$UNTIL" "$SINCE" | awk '$1=="-"{print $2" patch-id"}' > $T/pid
# 2. branch commits since the merge base: author email + author date, and marker shas.
MB=$(git -C "$G" merge-base "$B" "$UNTIL")
git -C "$G" log --no-merges --format='%ae %at' "$MB..$B" | sort -u > $T/bad
git -C "$G" log --no-merges --format='%B' "$MB..$B" | grep -oiE '(cherry picked from commit|upstream commit|commit) [0-9a-f]{7,40}' | grep -oE '[0-9a-f]{7,40}$' | sort -u > $T/mk
git -C "$G" log --no-merges --format='%H %ae %at' "$SINCE..$UNTIL" | while read -r h ae at; do
  if grep -q "^$h " $T/pid; then echo "$h patch-id";
  elif grep -qx "$ae $at" $T/bad; then echo "$h author-date";
  elif grep -q "^${h:0:7}" $T/mk && grep -qE "^$(grep "^${h:0:7}" $T/mk | head -1)" <<<"$h"; then echo "$h marker";
  fi
done
rm -rf "$T"

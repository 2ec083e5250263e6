#!/usr/bin/env bash
# Issue 17: `chasm publish` after touching 1% of a FILES-file tree while `chasm watch-index` keeps
# the journal of dirty paths (what chasmd does with oracle.watch-tree = true), against a cold
# `chasm index` of the same tree. ROUNDS rounds (default 3), medians, CPU-s beside wall.
# Target: publish <= 0.05 x cold index.
#   bench/publish-incremental.sh [FILES]      (default 300000; tiny files, 1,000 per directory)
# The tree lives in /tmp and is deleted on exit. Needs python3, bc, GNU time (/usr/bin/time).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
files="${1:-300000}"
rounds="${ROUNDS:-3}"
work="$(mktemp -d /tmp/chasm-publish-incr.XXXXXX)"
export CHASM_STATE_HOME="$work/state-home"
watcher=""
cleanup() {
  if [ -n "$watcher" ]; then kill "$watcher" 2>/dev/null || true; wait "$watcher" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
for tool in python3 bc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
chasm="$here/chasm"
"$chasm" --version >/dev/null   # build and dump the CDS archive outside any timing
tree="$work/tree"
python3 - "$tree" "$files" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "d%04d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%04d" % (i % 1000)), "w") as f:
        f.write("file %d\n" % i)
# Older than the index's racy window, as an origin's tree mostly is.
for dirpath, dirs, names in os.walk(root):
    for x in names + dirs:
        os.utime(os.path.join(dirpath, x), (1e9, 1e9))
EOF
touch_1pct() {
  python3 - "$tree" "$files" "$1" <<'EOF'
import os, random, sys
root, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rnd = random.Random(seed)
for i in rnd.sample(range(n), max(1, n // 100)):
    with open(os.path.join(root, "d%04d" % (i // 1000), "f%04d" % (i % 1000)), "a") as f:
        f.write("touched %d\n" % seed)
EOF
}
# run OUT CMD...: one timed run, stdout kept in OUT; prints "wall cpu"
run() { local out="$1"; shift; /usr/bin/time -o "$work/time" -f '%e %U %S' "$@" > "$out"; tail -1 "$work/time" | awk '{printf "%s %.2f", $1, $2 + $3}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

"$chasm" keygen --out "$work/origin.key" >/dev/null
pub="$work/state-publish"
"$chasm" index "$tree" --state "$pub" >/dev/null
"$chasm" watch-index "$tree" --state "$pub" > "$work/watch.out" 2>&1 &
watcher=$!
for _ in $(seq 600); do grep -q '^watching' "$work/watch.out" && break; sleep 0.1; done
grep -q '^watching' "$work/watch.out" || { echo "watch-index did not start:" >&2; cat "$work/watch.out" >&2; exit 1; }
# The watcher's start asks for one full walk: this publish takes it.
"$chasm" publish "$tree" --key "$work/origin.key" --state "$pub" --no-notify >/dev/null
: > "$work/rows"
for r in $(seq "$rounds"); do
  touch_1pct "$r"
  echo "publish $(run "$work/publish.json" "$chasm" publish "$tree" --key "$work/origin.key" --state "$pub" --no-notify --json)" >> "$work/rows"
  walk=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["index"]["walk"])' "$work/publish.json")
  case "$walk" in journal:*) ;; *) echo "round $r: publish walked '$walk', not the journal" >&2; exit 1;; esac
  rm -rf "$work/state-cold"
  echo "cold $(run /dev/null "$chasm" index "$tree" --state "$work/state-cold")" >> "$work/rows"
  echo "  round $r: publish $(tail -2 "$work/rows" | head -1), cold $(tail -1 "$work/rows"), $walk (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
m() { grep "^$1 " "$work/rows" | cut -d' ' -f"$2" | median; }
pw=$(m publish 2); pc=$(m publish 3); cw=$(m cold 2); cc=$(m cold 3)
printf '\n%s files (1,000 per directory), %s touched per round; median of %s rounds; load average now %s\n' \
  "$files" "$((files / 100))" "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-44s %8s %8s\n' step "wall s" "CPU-s"
printf '  %-44s %8s %8s\n' "chasm publish, 1% touched, watch-index running" "$pw" "$pc"
printf '  %-44s %8s %8s\n' "chasm index, cold" "$cw" "$cc"
printf '  ratio publish / cold index: wall %.3f, CPU %.3f (target <= 0.05)\n' \
  "$(echo "$pw / $cw" | bc -l)" "$(echo "$pc / $cc" | bc -l)"

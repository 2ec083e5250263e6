#!/usr/bin/env bash
# Before/after, one run: the same index, sync and stats work done by two builds of chasm, turn about,
# so that both see the same machine load. For refactorings that must not make anything slower.
#
#   bench/before-after.sh BEFORE_CHECKOUT AFTER_CHECKOUT [SOURCE_TREE] [LOG_MB] [ROUNDS]
#
# BEFORE/AFTER are two checkouts (e.g. a `git worktree add --detach ../before <commit>`); each one's
# ./chasm builds itself. SOURCE_TREE (default /usr/share) is copied once. LOG_MB (default 256) sizes
# a synthetic combined access log (shared/bench/gen-mirror-log.py). ROUNDS (default 3) alternates
# before/after per step; the median of each is printed with the after/before ratio, wall and CPU.
set -euo pipefail
before="$(cd "$1" && pwd)"; after="$(cd "$2" && pwd)"
src_tree="${3:-/usr/share}"; log_mb="${4:-256}"; rounds="${5:-3}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/chasm-before-after.XXXXXX)"
# Tree state (index, pack, history) outside the trees but inside the work directory, removed with it.
export CHASM_STATE_HOME="$work/state"
serve_pid=""
cleanup() { [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
command -v /usr/bin/time >/dev/null || { echo "install time: apt-get install -y time" >&2; exit 2; }

for side in before after; do
  dir=$([ $side = before ] && echo "$before" || echo "$after")
  "$dir/chasm" --version >/dev/null   # build (and dump the CDS archive) outside any timing
done

echo "copying $src_tree ..." >&2
mkdir -p "$work/origin"
cp -a "$src_tree/." "$work/origin/" 2>/dev/null || true
# chasm refuses symlinks that leave the tree: take them out so both builds publish the same files.
find "$work/origin" -type l | while IFS= read -r l; do
  t=$(readlink "$l"); case "$t" in /*) rm -f "$l" ;; esac
done
find "$work/origin" -xtype l -delete
gen="$here/../shared/bench/gen-mirror-log.py"; [ -f "$gen" ] || gen=/work/shared/bench/gen-mirror-log.py
python3 "$gen" --format combined --lines $(( log_mb * 1000000 / 184 )) --seed 1 --start 1732406400 > "$work/access.log"

# timed LABEL SIDE CMD...: appends "wall cpu" to $work/LABEL.SIDE
timed() {
  local label=$1 side=$2; shift 2
  /usr/bin/time -f "%e %U %S" -o "$work/t" "$@" > "$work/out" 2> "$work/err" || {
    echo "$label ($side) failed:" >&2; tail -5 "$work/err" >&2; exit 1; }
  awk '{ printf "%.3f %.3f\n", $1, $2 + $3 }' "$work/t" >> "$work/$label.$side"
}

port=$((40000 + RANDOM % 20000))
round() {
  local side=$1 dir chasm
  dir=$([ $side = before ] && echo "$before" || echo "$after"); chasm="$dir/chasm"
  local state="$work/state-$side" origin="$work/origin-$side" mirror="$work/mirror-$side"
  rm -rf "$state" "$origin" "$mirror"
  cp -al "$work/origin" "$origin"
  timed index-cold "$side" "$chasm" index "$origin" --state "$state"
  timed index-nochange "$side" "$chasm" index "$origin" --state "$state"
  rm -rf "$state"
  "$chasm" keygen --out "$work/key-$side" >/dev/null 2>&1 || true
  "$chasm" publish "$origin" --key "$work/key-$side" >/dev/null
  "$chasm" serve "$origin" --listen "tcp://127.0.0.1:$port" > "$work/serve.log" 2>&1 & serve_pid=$!
  for _ in $(seq 1 100); do grep -q listening "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
  timed sync-initial "$side" "$chasm" sync "tcp://127.0.0.1:$port" "$mirror" --trust "$work/key-$side.pub"
  timed sync-nochange "$side" "$chasm" sync "tcp://127.0.0.1:$port" "$mirror" --trust "$work/key-$side.pub" --json
  python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["bytes_received"]+j["bytes_sent"])' "$work/out" \
    >> "$work/wire-nochange.$side"
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
  timed stats-scan "$side" env JAVA_OPTS=-Xmx256m "$chasm" stats scan --format combined "$work/access.log" --json
  rm -rf "$origin" "$mirror" "$state" "$CHASM_STATE_HOME"   # the next round starts cold, on either side
}
for r in $(seq 1 "$rounds"); do
  echo "round $r/$rounds" >&2
  if [ $((r % 2)) = 1 ]; then round before; round after; else round after; round before; fi
  port=$((port + 1))
done

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf "\n%-16s %10s %10s %7s   %10s %10s %7s\n" step wall_before wall_after ratio cpu_before cpu_after ratio
for label in index-cold index-nochange sync-initial sync-nochange stats-scan; do
  wb=$(cut -d' ' -f1 "$work/$label.before" | median); wa=$(cut -d' ' -f1 "$work/$label.after" | median)
  cb=$(cut -d' ' -f2 "$work/$label.before" | median); ca=$(cut -d' ' -f2 "$work/$label.after" | median)
  awk -v l="$label" -v wb="$wb" -v wa="$wa" -v cb="$cb" -v ca="$ca" \
    'BEGIN { printf "%-16s %10.2f %10.2f %6.2fx   %10.2f %10.2f %6.2fx\n", l, wb, wa, wa / wb, cb, ca, ca / cb }'
done
echo "no-change sync on the wire: before $(median < "$work/wire-nochange.before") bytes, after $(median < "$work/wire-nochange.after") bytes"
echo "(median of $rounds rounds each, before and after alternating; ratio = after / before; $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"

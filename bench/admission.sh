#!/usr/bin/env bash
# Admission under load (issue 14): an honest `chasm sync` of a tree from a `chasm serve` process,
# unloaded and while 1,000 hostile sockets are held against the server (bench/hostile-crowd.py:
# silent, one byte, Hello then silence, slow readers of a large request; from 125 loopback
# addresses, reopened as soon as the server closes them). Rounds alternate, so both see the same
# machine load; medians side by side with the ratio.
#
#   bench/admission.sh [SOURCE_TREE] [ROUNDS] [SOCKETS]
#
# SOURCE_TREE (default /usr/share/doc) is copied once; ROUNDS default 3; SOCKETS default 1000.
set -euo pipefail
src_tree="${1:-/usr/share/doc}"; rounds="${2:-3}"; sockets="${3:-1000}"
here="$(cd "$(dirname "$0")/.." && pwd)"
chasm="$here/chasm"
work="$(mktemp -d /tmp/chasm-admission.XXXXXX)"
export CHASM_STATE_HOME="$work/state"
serve_pid=""; crowd_pid=""
cleanup() {
  [ -n "$crowd_pid" ] && kill "$crowd_pid" 2>/dev/null || true
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# The server holds up to 256 of them, the crowd all: lift the soft descriptor limit for both.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

"$chasm" --version >/dev/null   # build outside any timing

echo "copying $src_tree ..." >&2
mkdir -p "$work/origin"
cp -a "$src_tree/." "$work/origin/" 2>/dev/null || true
# chasm refuses symlinks that leave the tree.
find "$work/origin" -type l | while IFS= read -r l; do t=$(readlink "$l"); case "$t" in /*) rm -f "$l" ;; esac; done
find "$work/origin" -xtype l -delete
# One large file, so the slow readers' requests fill every buffer on the way.
head -c 8000000 /dev/urandom > "$work/origin/bench-large.bin"
"$chasm" keygen --out "$work/key" >/dev/null
"$chasm" publish "$work/origin" --key "$work/key" --origin demo >/dev/null
chunks=$("$chasm" chunks "$work/origin/bench-large.bin" | awk 'NR > 1 && $3 ~ /^sha256:/ { sub(/^sha256:/, "", $3); printf " --chunk %s", $3 }')

port=$((40000 + RANDOM % 20000))
"$chasm" serve "$work/origin" --listen "tcp://127.0.0.1:$port" > "$work/serve.log" 2>&1 & serve_pid=$!
for _ in $(seq 1 100); do grep -q listening "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
grep -q listening "$work/serve.log" || { echo "chasm serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# sync_once LABEL: one fresh sync, seconds appended to $work/LABEL
sync_once() {
  rm -rf "$work/mirror" "$work/state/mirror"
  local t0 t1
  t0=$(date +%s.%N)
  "$chasm" sync "tcp://127.0.0.1:$port" "$work/mirror" --trust "$work/key.pub" --repo demo > "$work/sync.out" 2>&1 || {
    echo "sync ($1) failed:" >&2; tail -5 "$work/sync.out" >&2; exit 1; }
  t1=$(date +%s.%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >> "$work/$1"
}

size=$(du -sh "$work/origin" | cut -f1); files=$(find "$work/origin" -type f | wc -l)
echo "tree: $files files, $size; $rounds rounds; $sockets hostile sockets; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  sync_once unloaded
  # shellcheck disable=SC2086
  python3 "$here/bench/hostile-crowd.py" --server "127.0.0.1:$port" --count "$sockets" --repo demo $chunks > "$work/crowd.log" 2>&1 & crowd_pid=$!
  for _ in $(seq 1 600); do grep -q holding "$work/crowd.log" 2>/dev/null && break; sleep 0.1; done
  grep -q holding "$work/crowd.log" || { echo "the crowd did not start:" >&2; cat "$work/crowd.log" >&2; exit 1; }
  sleep 2   # let the server fill up and the crowd start churning
  sync_once loaded
  kill "$crowd_pid"; wait "$crowd_pid" 2>/dev/null || true; crowd_pid=""
  echo "round $r: unloaded $(tail -1 "$work/unloaded") s, loaded $(tail -1 "$work/loaded") s; crowd: $(tail -1 "$work/crowd.log")"
done

median() { sort -g "$1" | awk '{ a[NR] = $1 } END { printf "%.2f", (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
u=$(median "$work/unloaded"); l=$(median "$work/loaded")
echo
printf "%-34s %10s %10s %8s\n" "honest chasm sync (median, s)" unloaded loaded ratio
printf "%-34s %10s %10s %8s\n" "$files files, $size" "$u" "$l" "$(awk -v l="$l" -v u="$u" 'BEGIN { printf "%.2f", l / u }')"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

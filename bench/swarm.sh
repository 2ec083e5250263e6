#!/usr/bin/env bash
# Swarm figures, one run (issue 14): push through tiers, origin offload, multi-source speed-up.
#
#   bench/swarm.sh [SOURCE_TREE]      # default /usr/share; bench/swarm.sh /usr/share/doc for a quick run
#
# An origin chasmd and eight mirror chasmds (--all, tcp loopback) in three tiers: two tier-1 mirrors
# follow the origin, one tier-2 mirror follows each tier-1, two tier-3 mirrors follow each tier-2.
# Nothing polls: oracle.poll=off and a one-hour fetcher interval, so only pushes move the mirrors.
# After every mirror holds snapshot 1, 1% of the files (every 100th, by path) get 4 KiB appended and
# the origin publishes once. Printed:
#   propagation  seconds from the end of `chasm publish` until all eight mirrors have verified and
#                recorded snapshot 2 (target <= 2 s)
#   offload      bytes the origin process wrote (/proc/PID/io wchar: its sockets, plus a few log lines)
#                while the update spread / (8 x update size), the update size being what one
#                downstream receives syncing it from the origin alone (chasm sync --json
#                bytes_received, measured right after) (target <= 0.3)
#   speed-up     an initial sync of the tree from four `chasm serve --upload-limit` peers against one
#                of them (target >= 3)
set -euo pipefail
src="${1:-/usr/share}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/chasm-swarm.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
chasm="$here/chasm"
chasmd="$here/chasmd"
"$chasm" --version >/dev/null   # build outside any timing

echo "copying $src ..." >&2
mkdir -p "$work/trees/origin" "$work/state" "$work/run"
cp -a "$src/." "$work/trees/origin/" 2>/dev/null || true
# chasm refuses symlinks that leave the tree: take them out.
find "$work/trees/origin" -type l | while IFS= read -r l; do
  t=$(readlink "$l"); case "$t" in /*) rm -f "$l" ;; esac
done
find "$work/trees/origin" -xtype l -delete
"$chasm" keygen --out "$work/key" >/dev/null
publish=("$chasm" publish "$work/trees/origin" --key "$work/key" --state "$work/state/origin" --origin swarm)
"${publish[@]}" >/dev/null

# node NAME [UPSTREAM]: starts a chasmd --all, waits for its run file, prints nothing
node() {
  local name=$1 up=${2:-}
  local args=(--all --tree "$work/trees/$name" --state "$work/state/$name" --listen tcp://127.0.0.1:0
    --run-file "$work/run/$name.run" --set oracle.poll=off --set fetcher.interval=1h --log-level warn)
  [ -n "$up" ] && args+=(--upstream "$up" --trust "$work/key.pub")
  JAVA_OPTS="-Xmx256m -XX:+UseSerialGC" "$chasmd" "${args[@]}" > "$work/run/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 600); do [ -f "$work/run/$name.run" ] && return 0; sleep 0.1; done
  echo "$name did not start:" >&2; tail -5 "$work/run/$name.log" >&2; exit 1
}
peer() { sed -n 's/^peer=//p' "$work/run/$1.run" | cut -d, -f1; }
pid() { sed -n 's/^pid=//p' "$work/run/$1.run"; }
seq_of() { ls "$work/state/$1/snapshots" 2>/dev/null | sort | tail -1 | sed 's/^0*//; s/\.snapshot$//'; }
# all_at SEQ: true when every mirror has recorded snapshot SEQ
mirrors=(t1-0 t1-1 t2-0 t2-1 t3-0 t3-1 t3-2 t3-3)
all_at() { for m in "${mirrors[@]}"; do [ "$(seq_of "$m")" = "$1" ] || return 1; done; }

node origin
s0=$(date +%s.%N)
node t1-0 "$(peer origin)"; node t1-1 "$(peer origin)"
node t2-0 "$(peer t1-0)"; node t2-1 "$(peer t1-1)"
node t3-0 "$(peer t2-0)"; node t3-1 "$(peer t2-0)"; node t3-2 "$(peer t2-1)"; node t3-3 "$(peer t2-1)"
"$chasm" sync "$(peer origin)" "$work/trees/ref" --state "$work/state/ref" --trust "$work/key.pub" >/dev/null
echo "waiting for the initial sync of eight mirrors ..." >&2
until all_at 1; do sleep 0.05; done
initial=$(echo "$(date +%s.%N) - $s0" | bc)

files=$(find "$work/trees/origin" -type f | sort | awk 'NR % 100 == 0')
changed=$(printf '%s\n' "$files" | grep -c . || true)
printf '%s\n' "$files" | while IFS= read -r f; do head -c 4096 /dev/urandom >> "$f"; done
wchar() { awk '/^wchar/ { print $2 }' "/proc/$(pid origin)/io"; }
w0=$(wchar)
p0=$(date +%s.%N)
"${publish[@]}" >/dev/null
p1=$(date +%s.%N)
until all_at 2; do sleep 0.02; done
p2=$(date +%s.%N)
w1=$(wchar)
"$chasm" sync "$(peer origin)" "$work/trees/ref" --state "$work/state/ref" --trust "$work/key.pub" --json > "$work/ref.json"
update=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes_received"])' "$work/ref.json")
for m in "${mirrors[@]}"; do
  "$chasm" verify "$work/trees/$m" --state "$work/state/$m" --trust "$work/key.pub" >/dev/null \
    || { echo "$m does not verify" >&2; exit 1; }
done

tree_files=$(find "$work/trees/origin" -type f | wc -l)
tree_mib=$(du -sm "$work/trees/origin" | cut -f1)
echo
echo "tree: $src, $tree_files files, $tree_mib MiB; update: $changed files (+4 KiB each); $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
printf '%-44s %12.2f\n' "start and initial sync of 8 mirrors (s)" "$initial"
printf '%-44s %12.2f\n' "publish of the update (s)" "$(echo "$p1 - $p0" | bc)"
printf '%-44s %12.2f   (target <= 2)\n' "propagation: publish -> 8 mirrors verified (s)" "$(echo "$p2 - $p1" | bc)"
printf '%-44s %12d\n' "update size: one downstream receives (bytes)" "$update"
printf '%-44s %12d\n' "origin wrote while it spread (bytes)" "$((w1 - w0))"
printf '%-44s %12.3f   (target <= 0.3)\n' "offload: origin bytes / (8 x update)" "$(echo "($w1 - $w0) / (8 * $update)" | bc -l)"

# (grep -q would cut the pipe: read the help whole.)
serve_help=$("$chasm" serve --help 2>&1 || true)
if [[ "$serve_help" != *--upload-limit* ]]; then
  printf '%-44s %12s\n' "multi-source speed-up" "skipped: chasm serve has no --upload-limit on this branch"
  exit 0
fi
limit="${UPLOAD_LIMIT:-$(( tree_mib * 1048576 / 40 ))}"   # bytes/s: about 40 s from one peer
ups=()
for m in t3-0 t3-1 t3-2 t3-3; do
  port=$((40000 + RANDOM % 20000))
  "$chasm" serve "$work/trees/$m" --state "$work/state/$m" --listen "tcp://127.0.0.1:$port" --upload-limit "${limit}B/s" \
    > "$work/run/serve-$m.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do grep -q listening "$work/run/serve-$m.log" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$work/run/serve-$m.log" || { echo "serve $m did not start:" >&2; tail -3 "$work/run/serve-$m.log" >&2; exit 1; }
  ups+=("tcp://127.0.0.1:$port")
done
timed_sync() {  # timed_sync DEST UPSTREAM...: prints wall seconds
  local dest=$1; shift
  local t0; t0=$(date +%s.%N)
  "$chasm" sync "$@" "$work/trees/$dest" --state "$work/state/$dest" --trust "$work/key.pub" >/dev/null \
    || { echo "sync into $dest failed" >&2; exit 1; }
  echo "$(date +%s.%N) - $t0" | bc
}
one=$(timed_sync fresh-one "${ups[0]}")
four=$(timed_sync fresh-four "${ups[@]}")
printf '%-44s %12.2f\n' "initial sync from one peer at $limit B/s (s)" "$one"
printf '%-44s %12.2f\n' "initial sync from four such peers (s)" "$four"
printf '%-44s %12.2f   (target >= 3)\n' "multi-source speed-up: one / four" "$(echo "$one / $four" | bc -l)"

#!/usr/bin/env bash
# Issue 17: `chasm publish` after touching 1% of a FILES-file tree while the origin's chasmd
# oracle runs (oracle.watch-tree = true, oracle.key set), against a cold `chasm index` of the same
# tree. Each round touches 1% and publishes in-process (`--no-daemon`, the journal still kept by
# the daemon: the path before the daemon published), touches another 1% and publishes through the
# daemon (STATE/publish.sock), then runs the cold index. ROUNDS rounds (default 3), medians,
# CPU-s beside wall: the CLI's (JVM start-up included), the daemon's own time from its reply and
# its CPU (/proc/PID/stat), and `chasm --version` (start-up alone).
# Target: publish <= 0.05 x cold index.
#   bench/publish-incremental.sh [FILES]      (default 300000; tiny files, 1,000 per directory)
# The tree lives in /tmp and is deleted on exit. Needs python3, bc, GNU time (/usr/bin/time).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
files="${1:-300000}"
rounds="${ROUNDS:-3}"
work="$(mktemp -d /tmp/chasm-publish-incr.XXXXXX)"
export CHASM_STATE_HOME="$work/state-home"
daemon=""
cleanup() {
  if [ -n "$daemon" ]; then kill "$daemon" 2>/dev/null || true; wait "$daemon" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
[ "${KEEP:-0}" = 1 ] && trap - EXIT
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
# DAEMON_JFR=FILE records the daemon with JFR (bench/jfr-top.py FILE shows where its time went).
JAVA_OPTS="${JAVA_OPTS:-}${DAEMON_JFR:+ -XX:StartFlightRecording=filename=$DAEMON_JFR,settings=profile,dumponexit=true}" \
"$here/chasmd" oracle --tree "$tree" --state "$pub" --set oracle.watch-tree=true --set oracle.key="$work/origin.key" \
  --set oracle.poll=off --run-file "$work/run" > "$work/daemon.out" 2>&1 &
daemon=$!
for _ in $(seq 600); do [ -s "$work/run" ] && break; sleep 0.1; done
[ -s "$work/run" ] || { echo "chasmd did not start:" >&2; cat "$work/daemon.out" >&2; exit 1; }
# The watcher's start asks for one full walk: this publish takes it (and warms the daemon up).
"$chasm" publish "$tree" --key "$work/origin.key" --state "$pub" --no-notify >/dev/null
jvm=$(sed -n 's/^pid=//p' "$work/run")
# daemon_cpu: the daemon JVM's user+system seconds so far
daemon_cpu() { awk '{printf "%.2f", ($14 + $15) / '"$(getconf CLK_TCK)"'}' "/proc/$jvm/stat"; }
json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
: > "$work/rows"
seed=0
for r in $(seq "$rounds"); do
  seed=$((seed + 1)); touch_1pct "$seed"
  echo "before $(run "$work/publish.json" "$chasm" publish "$tree" --key "$work/origin.key" --state "$pub" --no-notify --no-daemon --json)" >> "$work/rows"
  walk=$(json "$work/publish.json" 'd["index"]["walk"]')
  case "$walk" in journal:*) ;; *) echo "round $r: in-process publish walked '$walk', not the journal" >&2; exit 1;; esac
  seed=$((seed + 1)); touch_1pct "$seed"
  c0=$(daemon_cpu)
  echo "cli $(run "$work/publish.json" "$chasm" publish "$tree" --key "$work/origin.key" --state "$pub" --no-notify --json)" >> "$work/rows"
  c1=$(daemon_cpu)
  [ "$(json "$work/publish.json" 'd["path"]')" = daemon ] || { echo "round $r: publish did not go through the daemon" >&2; exit 1; }
  dwalk=$(json "$work/publish.json" 'd["index"]["walk"]')
  case "$dwalk" in journal:*) ;; *) echo "round $r: the daemon walked '$dwalk', not the journal" >&2; exit 1;; esac
  echo "daemon $(json "$work/publish.json" '"%.3f" % d["daemon_seconds"]') $(printf '%.2f' "$(echo "$c1 - $c0" | bc -l)")" >> "$work/rows"
  echo "startup $(run /dev/null "$chasm" --version)" >> "$work/rows"
  rm -rf "$work/state-cold"
  echo "cold $(run /dev/null "$chasm" index "$tree" --state "$work/state-cold")" >> "$work/rows"
  echo "  round $r: $(tail -5 "$work/rows" | tr '\n' ' '); in-process $walk, daemon $dwalk (load $(cut -d' ' -f1 /proc/loadavg))" >&2
done
m() { grep "^$1 " "$work/rows" | cut -d' ' -f"$2" | median; }
cw=$(m cold 2); cc=$(m cold 3)
printf '\n%s files (1,000 per directory), %s touched per publish; median of %s rounds; load average now %s\n' \
  "$files" "$((files / 100))" "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  %-58s %8s %8s %14s\n' step "wall s" "CPU-s" "ratio wall/CPU"
row() { printf '  %-58s %8s %8s %6.3f / %.3f\n' "$1" "$2" "$3" "$(echo "$2 / $cw" | bc -l)" "$(echo "$3 / $cc" | bc -l)"; }
row "before: chasm publish --no-daemon (journal, in-process)" "$(m before 2)" "$(m before 3)"
row "chasm publish through chasmd: the CLI, start-up included" "$(m cli 2)" "$(m cli 3)"
row "  the daemon's publish (reply's daemon_seconds; its CPU)" "$(m daemon 2)" "$(m daemon 3)"
row "chasm --version (JVM start-up alone, CDS)" "$(m startup 2)" "$(m startup 3)"
printf '  %-58s %8s %8s\n' "chasm index, cold" "$cw" "$cc"
echo "  target: publish <= 0.05 x cold index (the daemon's row is the publish work; the CLI row adds a JVM start-up)"

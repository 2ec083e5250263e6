#!/usr/bin/env bash
# Stats agent throughput against peers on synthetic mirror logs (issue 4).
#
#   bench/logs-vs-peers.sh [SIZE_MB] [STREAM_GB]   # default 5120 (5 GB); e.g. 1024 for a quick run
#   bench/logs-vs-peers.sh 1024 10    # also the streamed case: 10 GB through a pipe into gzip
#   bench/logs-vs-peers.sh 1024 100   # the same for 100 GB (STREAM_GB=N works too; 0 = skip)
#
# Generates a combined access log of SIZE_MB with shared/bench/gen-mirror-log.py (plus xferlog and
# rsyncd logs of SIZE_MB/4), then times on the same bytes:
#   chasm   ./chasm stats scan --format F FILE --json   (all cores, the JVM's default heap)
#   chasm --state: the same with --state DIR (checkpoints, batch spool), the mode mirrors run
#   mawk    summing bytes per path                      (one core)
#   GoAccess 1.7 on a 500 MB slice of the combined log  (scaled to MB/s)
# and prints MB/s, CPU seconds, peak RSS and ratios (every ratio from this one run), for every
# format with and without --state. With STREAM_GB=N it also pipes N GB of generated combined log
# straight into gzip (never on disk uncompressed) and scans it with --state twice, with the JVM's
# default heap and with -Xmx256m, printing peak RSS beside the 1 GB figure: the agent reads a
# compressed log in steps like a plain one, so its memory does not follow the input. "per core" divides chasm's MB/s by the cores it used (CPU time /
# wall time, at least 1), so it compares the work per core; on a loaded box (cores < 1) MB per
# CPU-second, printed too, is the fairer measure. Peak live heap (max heap after GC) is measured
# for two runs that differ only in the number of distinct paths, giving bytes per artifact.
# Needs: python3, mawk, goaccess, /usr/bin/time (apt-get install -y mawk goaccess time).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
size_mb="${1:-5120}"
out="$root/bench/out/logs"
mkdir -p "$out"
gen="$root/../shared/bench/gen-mirror-log.py"
[ -f "$gen" ] || gen="/work/shared/bench/gen-mirror-log.py"
# The peers are installed when missing and we may (root on Debian); otherwise say what to run.
if { ! command -v mawk || ! command -v goaccess || [ ! -x /usr/bin/time ]; } >/dev/null && [ "$(id -u)" = 0 ]; then
  apt-get install -y mawk goaccess time >/dev/null 2>&1 || true
fi
for t in mawk goaccess python3 /usr/bin/time; do
  command -v "$t" >/dev/null || { echo "missing $t (apt-get install -y mawk goaccess time)" >&2; exit 2; }
done
cores=$(nproc)

# gen FORMAT MB FILE [extra args]: two generator processes in parallel, different seeds and times
gen() {
  local fmt=$1 mb=$2 file=$3; shift 3
  local per_line=184
  [ "$fmt" = xferlog ] && per_line=110
  [ "$fmt" = rsyncd ] && per_line=150
  local lines=$(( mb * 1000000 / per_line / 2 ))
  if [ -f "$file" ] && [ "$(stat -c %s "$file")" -gt $(( mb * 900000 )) ]; then return; fi
  python3 "$gen" --format "$fmt" --lines "$lines" --seed 1 --start 1732406400 "$@" > "$file.a" &
  python3 "$gen" --format "$fmt" --lines "$lines" --seed 2 --start $(( 1732406400 + lines / 20 )) "$@" > "$file.b"
  wait
  cat "$file.a" "$file.b" > "$file" && rm -f "$file.a" "$file.b"
}

# run NAME CMD...: prints elapsed and cpu seconds into $out/NAME.time
run() {
  local name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$out/$name.time" "$@" > "$out/$name.out" 2> "$out/$name.err" || {
    echo "$name failed:" >&2; tail -5 "$out/$name.err" >&2; exit 1; }
}
mbs() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }
field() { awk -v i="$2" '{ print $i }' "$out/$1.time"; }

echo "generating ~${size_mb} MB combined, ~$((size_mb / 4)) MB xferlog and rsyncd logs in $out ..."
gen combined "$size_mb" "$out/access.log"
gen xferlog $(( size_mb / 4 )) "$out/xferlog"
gen rsyncd $(( size_mb / 4 )) "$out/rsyncd.log"
head -c 500000000 "$out/access.log" | head -n -1 > "$out/slice.log"

(cd "$root" && ./chasm --version >/dev/null) # build outside the timings
unset JAVA_OPTS # the targets are for the JVM's default heap settings (issue 15)

printf "\n%-10s %-9s %9s %8s %9s %8s %9s %8s %10s %8s\n" input tool MB wall_s MB/s cores MB/s/core cpu_s MB/cpu-s rss_MiB
report() { # report INPUT TOOL FILE NAME
  local bytes e u s c
  bytes=$(stat -c %s "$3"); e=$(field "$4" 1); u=$(field "$4" 2); s=$(field "$4" 3)
  c=$(awk -v u="$u" -v s="$s" -v e="$e" 'BEGIN { c = (u + s) / e; printf "%.2f", c < 1 ? 1 : c }')
  printf "%-10s %-9s %9.0f %8.2f %9s %8s %9s %8.2f %10s %8s\n" "$1" "$2" "$(awk -v b="$bytes" 'BEGIN{print b/1e6}')" "$e" \
    "$(mbs "$bytes" "$e")" "$c" "$(awk -v b="$bytes" -v e="$e" -v c="$c" 'BEGIN { printf "%.1f", b / 1e6 / e / c }')" \
    "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')" "$(awk -v b="$bytes" -v u="$u" -v s="$s" 'BEGIN { printf "%.1f", b / 1e6 / (u + s) }')" \
    "$(( $(field "$4" 4) / 1024 ))"
  eval "cpu_$4=$(awk -v b="$bytes" -v u="$u" -v s="$s" 'BEGIN { printf "%.3f", b / 1e6 / (u + s) }')"
  eval "mbs_$4=$(mbs "$bytes" "$e"); core_$4=$(awk -v b="$bytes" -v e="$e" -v c="$c" 'BEGIN { printf "%.3f", b / 1e6 / e / c }')"
}

run chasm_combined "$root/chasm" stats scan --format combined --json "$out/access.log"
rm -rf "$out/state"
run chasm_state "$root/chasm" stats scan --format combined --json --state "$out/state" "$out/access.log"
run mawk_combined mawk '{ b[$7] += $10 } END { for (p in b) print p, b[p] }' "$out/access.log"
run goaccess_slice goaccess "$out/slice.log" --log-format=COMBINED --no-progress --no-global-config -o "$out/goaccess.json"
run chasm_xferlog "$root/chasm" stats scan --format xferlog --json "$out/xferlog"
run mawk_xferlog mawk '{ b[$9] += $8 } END { for (p in b) print p, b[p] }' "$out/xferlog"
run chasm_rsyncd "$root/chasm" stats scan --format rsyncd --json "$out/rsyncd.log"
rm -rf "$out/state-x" "$out/state-r"
run chasm_state_xferlog "$root/chasm" stats scan --format xferlog --json --state "$out/state-x" "$out/xferlog"
run chasm_state_rsyncd "$root/chasm" stats scan --format rsyncd --json --state "$out/state-r" "$out/rsyncd.log"
run mawk_rsyncd mawk '{ b[$9] += $10 } END { for (p in b) print p, b[p] }' "$out/rsyncd.log"

report combined chasm "$out/access.log" chasm_combined
report combined "--state" "$out/access.log" chasm_state
report combined mawk "$out/access.log" mawk_combined
report slice500 goaccess "$out/slice.log" goaccess_slice
report xferlog chasm "$out/xferlog" chasm_xferlog
report xferlog "--state" "$out/xferlog" chasm_state_xferlog
report xferlog mawk "$out/xferlog" mawk_xferlog
report rsyncd chasm "$out/rsyncd.log" chasm_rsyncd
report rsyncd "--state" "$out/rsyncd.log" chasm_state_rsyncd
report rsyncd mawk "$out/rsyncd.log" mawk_rsyncd

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }
echo
echo "combined: chasm vs mawk $(ratio "$mbs_chasm_combined" "$mbs_mawk_combined") wall, $(ratio "$core_chasm_combined" "$core_mawk_combined") per core (target >= 2x per core)"
echo "combined: chasm vs GoAccess $(ratio "$mbs_chasm_combined" "$mbs_goaccess_slice") (GoAccess on the 500 MB slice; target >= 50x)"
echo "per CPU-second (fair on a shared box): combined chasm vs mawk $(ratio "$cpu_chasm_combined" "$cpu_mawk_combined")," \
  "vs GoAccess $(ratio "$cpu_chasm_combined" "$cpu_goaccess_slice"); xferlog vs mawk $(ratio "$cpu_chasm_xferlog" "$cpu_mawk_xferlog");" \
  "rsyncd vs mawk $(ratio "$cpu_chasm_rsyncd" "$cpu_mawk_rsyncd")"
echo "xferlog:  chasm vs mawk $(ratio "$mbs_chasm_xferlog" "$mbs_mawk_xferlog") wall, $(ratio "$core_chasm_xferlog" "$core_mawk_xferlog") per core"
echo "rsyncd:   chasm vs mawk $(ratio "$mbs_chasm_rsyncd" "$mbs_mawk_rsyncd") wall, $(ratio "$core_chasm_rsyncd" "$core_mawk_rsyncd") per core"
echo "chasm combined: $(grep -m1 lines_total "$out/chasm_combined.out" | tr -d ' ,') lines, peak RSS $(( $(field chasm_combined 4) / 1024 )) MiB; with --state $(( $(field chasm_state 4) / 1024 )) MiB (target <= 300), $(ls "$out/state/spool" | wc -l) batches spooled"
echo "--state vs without: $(ratio "$cpu_chasm_state" "$cpu_chasm_combined") per CPU-s, $(ratio "$mbs_chasm_state" "$mbs_chasm_combined") wall (target >= 1x)"
echo "--state per CPU-second: vs mawk $(ratio "$cpu_chasm_state" "$cpu_mawk_combined") (target >= 2x), vs GoAccess $(ratio "$cpu_chasm_state" "$cpu_goaccess_slice") (target >= 50x);" \
  "all cores, wall: vs mawk $(ratio "$mbs_chasm_state" "$mbs_mawk_combined") (target >= 3x)"
echo "--state per CPU-second: xferlog vs mawk $(ratio "$cpu_chasm_state_xferlog" "$cpu_mawk_xferlog"), rsyncd vs mawk $(ratio "$cpu_chasm_state_rsyncd" "$cpu_mawk_rsyncd") (target >= 1x);" \
  "peak RSS $(( $(field chasm_state_xferlog 4) / 1024 )) and $(( $(field chasm_state_rsyncd 4) / 1024 )) MiB"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo), load at the end $(cut -d' ' -f1-3 /proc/loadavg)"

# The streamed case: N GB of combined log generated straight into gzip, scanned with --state.
stream_gb="${2:-${STREAM_GB:-0}}"
if [ "$stream_gb" -gt 0 ]; then
  big="$out/stream-${stream_gb}g.log.gz"
  if [ ! -s "$big" ]; then
    echo "generating ${stream_gb} GB of combined log into $big ..."
    per=$(( 1000000000 / 184 ))
    for ((k = 0; k < stream_gb; k++)); do
      python3 "$gen" --format combined --lines "$per" --seed $(( 10 + k )) --start $(( 1732406400 + k * per / 40 ))
    done | gzip -1 > "$big.tmp" && mv "$big.tmp" "$big"
  fi
  for heap in default 256m; do
    rm -rf "$out/state-stream"
    if [ "$heap" = default ]; then
      run chasm_stream "$root/chasm" stats scan --format combined --json --state "$out/state-stream" "$big"
    else
      JAVA_OPTS="-Xmx$heap" run chasm_stream "$root/chasm" stats scan --format combined --json --state "$out/state-stream" "$big"
    fi
    e=$(field chasm_stream 1); u=$(field chasm_stream 2); s=$(field chasm_stream 3)
    echo "streamed ${stream_gb} GB (gzip, --state, heap $heap): ${e} s wall, $(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }') CPU-s," \
      "$(awk -v u="$u" -v s="$s" -v g="$stream_gb" 'BEGIN { printf "%.1f", g * 1000 / (u + s) }') MB per CPU-s, peak RSS $(( $(field chasm_stream 4) / 1024 )) MiB" \
      "(1 GB plain: $(( $(field chasm_state 4) / 1024 )) MiB; target <= 300)"
  done
fi

# Heap per distinct artifact: same size, 5,000 vs 50,000 distinct paths; peak heap after GC.
mem_mb=$(( size_mb / 10 > 200 ? 200 : size_mb / 10 ))
gen combined "$mem_mb" "$out/few.log" --paths 5000
gen combined "$mem_mb" "$out/many.log" --paths 50000
peak() {
  # A small young generation makes collections happen (the scan allocates little per line).
  JAVA_OPTS="-Xmx256m -Xmn8m -XX:+UseSerialGC -Xlog:gc:file=$out/$1.gc" "$root/chasm" stats scan --format combined --json "$2" > "$out/$1.json"
  { grep -o '[0-9]*M->[0-9]*M' "$out/$1.gc" || echo 0M->0M; } | sed 's/.*->//; s/M//' | sort -n | tail -1
}
few=$(peak few "$out/few.log"); many=$(peak many "$out/many.log")
a_few=$(grep -c '"artifact"' "$out/few.json"); a_many=$(grep -c '"artifact"' "$out/many.json")
echo "peak live heap: ${few} MiB with ${a_few} distinct artifacts, ${many} MiB with ${a_many}:" \
  "$(awk -v f="$few" -v m="$many" -v a="$a_few" -v b="$a_many" 'BEGIN { if (b > a) printf "%.0f", (m - f) * 1048576 / (b - a); else print "n/a" }') bytes per distinct artifact"

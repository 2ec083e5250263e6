#!/usr/bin/env bash
# Issue 17's index rows, side by side in one run, ROUNDS rounds (default 3), medians:
#   cold `chasm index` vs `tar c | openssl sha256`     (target <= 1.25x)
#   no-change re-index (minus start-up) vs `find -printf '%s %T@'`   (target <= 2x)
#   peak RSS per entry (`/usr/bin/time %M` of `chasm index` minus that of `chasm --version`)
#     at the source tree's size and at a generated tree of ENTRIES (default 1,000,000) tiny files
#     (target <= 300 B at both).
#   bench/index-vs-peers.sh [SOURCE_TREE] [ENTRIES]     (ENTRIES=0 skips the large tree)
# BASELINE=/path/to/other/chasm also times that launcher (e.g. a build of main) in the same
# rounds, interleaved, and prints its rows and its ratios beside this checkout's: before/after
# side by side under the same load.
# Needs openssl, bc, python3, GNU time (/usr/bin/time). Page cache warm for every contender.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src_tree="${1:-/usr/share}"
big="${2:-1000000}"
rounds="${ROUNDS:-3}"
work="$(mktemp -d "${TMPDIR:-/tmp}/chasm-index-peers.XXXXXX")"
export CHASM_STATE_HOME="$work/state-home"
trap 'rm -rf "$work"' EXIT
for tool in openssl bc python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y openssl bc python3 time)" >&2; exit 2; }
done
chasm="$here/chasm"
"$chasm" --version >/dev/null   # build and dump the CDS archive outside any timing
baseline="${BASELINE:-}"
if [ -n "$baseline" ]; then
  "$baseline" --version >/dev/null || { echo "BASELINE=$baseline does not run" >&2; exit 2; }
fi

# run CMD...: one timed run; prints "wall cpu maxrss_kb"
run() { /usr/bin/time -f '%e %U %S %M' "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%s %.2f %s", $1, $2 + $3, $4}'; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
col() { cut -d' ' -f"$1"; }
ratio() { if [ "$(echo "$2 <= 0" | bc -l)" = 1 ]; then printf 'n/a'; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }

# measure LABEL TREE: rounds of start-up, cold, tar|openssl, no change, find; prints medians.
measure() {
  local label="$1" tree="$2" state="$work/state-$1" entries
  entries=$(find "$tree" -mindepth 1 | wc -l)
  tar c -C "$tree" . 2>/dev/null | cat >/dev/null
  : > "$work/$label.rows"
  for r in $(seq "$rounds"); do
    # Interleaved, so every contender sees the same machine load within a round.
    echo "startup $(run "$chasm" --version)" >> "$work/$label.rows"
    rm -rf "$state"
    echo "cold $(run "$chasm" index "$tree" --state "$state")" >> "$work/$label.rows"
    echo "tar $(run bash -c "tar c -C '$tree' . | openssl sha256")" >> "$work/$label.rows"
    echo "warm $(run "$chasm" index "$tree" --state "$state")" >> "$work/$label.rows"
    echo "find $(run find "$tree" -printf '%s %T@\n')" >> "$work/$label.rows"
    if [ -n "$baseline" ]; then
      echo "b-startup $(run "$baseline" --version)" >> "$work/$label.rows"
      rm -rf "$state"
      echo "b-cold $(run "$baseline" index "$tree" --state "$state")" >> "$work/$label.rows"
      echo "b-warm $(run "$baseline" index "$tree" --state "$state")" >> "$work/$label.rows"
    fi
    echo "  $label round $r done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
  m() { grep "^$1 " "$work/$label.rows" | cut -d' ' -f"$2" | median; }
  local su_w su_c co_w co_c ta_w ta_c wa_w wa_c fi_w fi_c su_m co_m wa_m
  su_w=$(m startup 2); su_c=$(m startup 3); su_m=$(m startup 4)
  co_w=$(m cold 2); co_c=$(m cold 3); co_m=$(m cold 4)
  ta_w=$(m tar 2); ta_c=$(m tar 3)
  wa_w=$(m warm 2); wa_c=$(m warm 3); wa_m=$(m warm 4)
  fi_w=$(m find 2); fi_c=$(m find 3)
  printf '\n%s: %s entries, %s MiB; median of %s rounds; load average now %s\n' "$label" "$entries" \
    "$(( $(du -sb "$tree" | cut -f1) / 1048576 ))" "$rounds" "$(cut -d' ' -f1-3 /proc/loadavg)"
  printf '  %-34s %8s %8s %10s\n' step "wall s" "cpu s" "max RSS"
  printf '  %-34s %8s %8s %7s MiB\n' "chasm --version" "$su_w" "$su_c" "$((su_m / 1024))"
  printf '  %-34s %8s %8s %7s MiB\n' "chasm index, cold" "$co_w" "$co_c" "$((co_m / 1024))"
  printf '  %-34s %8s %8s\n' "tar c | openssl sha256" "$ta_w" "$ta_c"
  printf '  %-34s %8s %8s %7s MiB\n' "chasm index, nothing changed" "$wa_w" "$wa_c" "$((wa_m / 1024))"
  printf '  %-34s %8s %8s\n' "find -printf '%s %T@'" "$fi_w" "$fi_c"
  local net_w net_c
  net_w=$(echo "$wa_w - $su_w" | bc -l); net_c=$(echo "$wa_c - $su_c" | bc -l)
  printf '  cold / tar|openssl                  = %s wall, %s cpu   [<= 1.25]\n' "$(ratio "$co_w" "$ta_w")" "$(ratio "$co_c" "$ta_c")"
  printf '  (no change - start-up) / find       = %s wall, %s cpu   [<= 2]\n' "$(ratio "$net_w" "$fi_w")" "$(ratio "$net_c" "$fi_c")"
  printf '  RSS per entry above start-up        = %s B cold, %s B no change   [<= 300]\n' \
    "$(( (co_m - su_m) * 1024 / entries ))" "$(( (wa_m - su_m) * 1024 / entries ))"
  if [ -n "$baseline" ]; then
    local bs_w bs_c bs_m bc_w bc_c bc_m bw_w bw_c bw_m
    bs_w=$(m b-startup 2); bs_c=$(m b-startup 3); bs_m=$(m b-startup 4)
    bc_w=$(m b-cold 2); bc_c=$(m b-cold 3); bc_m=$(m b-cold 4)
    bw_w=$(m b-warm 2); bw_c=$(m b-warm 3); bw_m=$(m b-warm 4)
    printf '  baseline %s:\n' "$baseline"
    printf '  %-34s %8s %8s %7s MiB\n' "chasm --version" "$bs_w" "$bs_c" "$((bs_m / 1024))"
    printf '  %-34s %8s %8s %7s MiB\n' "chasm index, cold" "$bc_w" "$bc_c" "$((bc_m / 1024))"
    printf '  %-34s %8s %8s %7s MiB\n' "chasm index, nothing changed" "$bw_w" "$bw_c" "$((bw_m / 1024))"
    printf '  cold / tar|openssl                  = %s wall, %s cpu   (baseline)\n' "$(ratio "$bc_w" "$ta_w")" "$(ratio "$bc_c" "$ta_c")"
    printf '  (no change - start-up) / find       = %s wall, %s cpu   (baseline)\n' \
      "$(ratio "$(echo "$bw_w - $bs_w" | bc -l)" "$fi_w")" "$(ratio "$(echo "$bw_c - $bs_c" | bc -l)" "$fi_c")"
    printf '  RSS per entry above start-up        = %s B cold, %s B no change   (baseline)\n' \
      "$(( (bc_m - bs_m) * 1024 / entries ))" "$(( (bw_m - bs_m) * 1024 / entries ))"
    printf '  this checkout / baseline, cold      = %s wall, %s cpu\n' "$(ratio "$co_w" "$bc_w")" "$(ratio "$co_c" "$bc_c")"
  fi
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); JAVA_OPTS='${JAVA_OPTS:-}'" >&2
echo "copying $src_tree ..." >&2
mkdir -p "$work/tree"
cp -a "$src_tree/." "$work/tree/" 2>/dev/null || true
measure small "$work/tree"
rm -rf "$work/tree" "$work/state-small"
if [ "$big" -gt 0 ]; then
  echo "generating $big entries (1,000 per directory, half empty, half a few bytes) ..." >&2
  python3 - "$work/big" "$big" <<'EOF'
import os, sys
root, n, per = sys.argv[1], int(sys.argv[2]), 1000
os.makedirs(root)
for d in range((n + per - 1) // per):
    dp = os.path.join(root, "d%04d" % d)
    os.mkdir(dp)
    for f in range(min(per, n - d * per) - 1):
        fd = os.open(os.path.join(dp, "f%04d.txt" % f), os.O_WRONLY | os.O_CREAT, 0o644)
        if f % 2:
            os.write(fd, b"%d %d\n" % (d, f))
        os.close(fd)
EOF
  measure big "$work/big"
fi

#!/usr/bin/env bash
# Side-by-side, one run: `chasm index` vs `casync make` vs `tar c | openssl sha256` on a copy of a
# tree (default /usr/share), then a no-change re-index vs a `find` walk, with `chasm --version` as
# the JVM start-up baseline. Prints times, the ratios against the targets, and resident memory per
# indexed file (max RSS of the index run minus that of `chasm --version`, divided by entries).
#   bench/index-vs-casync.sh [SOURCE_TREE]
# Needs: casync (apt-get install -y casync), openssl, bc, GNU time (/usr/bin/time).
# Page cache is warm for every contender (one untimed read first); each figure is the best of RUNS.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src_tree="${1:-/usr/share}"
runs="${RUNS:-3}"
work="$(mktemp -d /tmp/chasm-index-bench.XXXXXX)"
# Tree state (index, pack, history) outside the trees but inside the work directory, removed with it.
export CHASM_STATE_HOME="$work/state"
trap 'rm -rf "$work"' EXIT
for tool in casync openssl bc /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y casync openssl bc time)" >&2; exit 2; }
done
chasm="$here/chasm"
"$chasm" --version >/dev/null   # build and dump the CDS archive outside any timing

tree="$work/tree"
state="$work/state"   # outside the tree, so casync and tar see exactly the same bytes
echo "copying $src_tree to $tree ..." >&2
mkdir -p "$tree"
cp -a "$src_tree/." "$tree/" 2>/dev/null || true
files=$(find "$tree" -type f | wc -l)
entries=$(find "$tree" -mindepth 1 | wc -l)
bytes=$(du -sb "$tree" | cut -f1)
tar c -C "$tree" . 2>/dev/null | cat >/dev/null   # warm the page cache for everyone

now() { date +%s.%N; }
# best_of CMD...: runs CMD $runs times; prints "wall cpu" of the fastest run, in seconds (cpu =
# user + system of the command and its children: a fairer figure on a busy machine).
best_of() {
  local best="" cpu="" out w c
  for _ in $(seq "$runs"); do
    [ -n "${BEFORE:-}" ] && eval "$BEFORE"
    out=$(/usr/bin/time -f '%e %U %S' "$@" 2>&1 >/dev/null | tail -1)
    w=$(echo "$out" | cut -d' ' -f1)
    c=$(echo "$out" | awk '{print $2 + $3}')
    if [ -z "$best" ] || [ "$(echo "$w < $best" | bc -l)" = 1 ]; then best=$w; cpu=$c; fi
  done
  printf '%.3f %.3f' "$best" "$cpu"
}
wall() { echo "${1% *}"; }
cpu() { echo "${1#* }"; }
maxrss_kb() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -1; }
ratio() { if [ "$(echo "$2 <= 0" | bc -l)" = 1 ]; then printf 'n/a'; else printf '%.2f' "$(echo "$1 / $2" | bc -l)"; fi; }

echo "tree: $files files, $entries entries, $((bytes / 1048576)) MiB; $(nproc) cores; best of $runs" >&2

startup=$(best_of "$chasm" --version)
BEFORE="rm -rf '$state'" cold=$(best_of "$chasm" index "$tree" --state "$state")
BEFORE="rm -rf '$work/castore' '$work/tree.caidx'" casync_t=$(best_of casync make --store="$work/castore" "$work/tree.caidx" "$tree")
tar_t=$(best_of bash -c "tar c -C '$tree' . | openssl sha256")
"$chasm" index "$tree" --state "$state" >/dev/null   # make sure the state exists
warm=$(best_of "$chasm" index "$tree" --state "$state")
find_t=$(best_of find "$tree" -printf '%s %T@\n')

base_rss=$(maxrss_kb "$chasm" --version)
rm -rf "$state"
cold_rss=$(maxrss_kb "$chasm" index "$tree" --state "$state")
warm_rss=$(maxrss_kb "$chasm" index "$tree" --state "$state")
index_bytes=$(stat -c %s "$state/index")
pack_bytes=$(stat -c %s "$state/objects.pack")

row() { printf '%-44s %8s %8s\n' "$1" "$(wall "$2")" "$(cpu "$2")"; }
printf '\n%-44s %8s %8s\n' "step (load average: $(cut -d' ' -f1 /proc/loadavg))" "wall s" "cpu s"
row "chasm --version (start-up)" "$startup"
row "chasm index, cold (state removed)" "$cold"
row "casync make" "$casync_t"
row "tar c | openssl sha256" "$tar_t"
row "chasm index, nothing changed" "$warm"
row "find -printf '%s %T@'" "$find_t"
echo
both() { # label, a, b: ratio of wall times and of cpu times
  printf '  %-38s = %5s wall, %5s cpu   [%s]\n' "$1" "$(ratio "$(wall "$2")" "$(wall "$3")")" "$(ratio "$(cpu "$2")" "$(cpu "$3")")" "$4"
}
warm_net="$(echo "$(wall "$warm") - $(wall "$startup")" | bc -l) $(echo "$(cpu "$warm") - $(cpu "$startup")" | bc -l)"
echo "ratios (target in brackets):"
both "cold index / casync make" "$cold" "$casync_t" "<= 0.25"
both "cold index / tar|openssl" "$cold" "$tar_t" "<= 1.25"
both "(no-change index - start-up) / find" "$warm_net" "$find_t" "<= 2"
echo
echo "memory (max RSS; JAVA_OPTS='${JAVA_OPTS:-}'):"
echo "  chasm --version                      = $((base_rss / 1024)) MiB"
echo "  chasm index, cold                    = $((cold_rss / 1024)) MiB -> $(( (cold_rss - base_rss) * 1024 / entries )) bytes per entry above start-up"
echo "  chasm index, nothing changed         = $((warm_rss / 1024)) MiB -> $(( (warm_rss - base_rss) * 1024 / entries )) bytes per entry above start-up"
echo "  on disk: index $((index_bytes / 1024)) KiB ($((index_bytes / entries)) B/entry), objects.pack $((pack_bytes / 1024)) KiB"

#!/usr/bin/env bash
# One big file, 1 MiB changed in its middle: rsync daemon vs chasm serve/sync over loopback (issue 17).
#   bench/bigfile.sh [SIZE_MIB] [ROUNDS]      (defaults: 4096 MiB, 3 rounds)
# The file is random bytes (AES-CTR keystream, so it neither compresses nor dedupes). After one
# initial sync with each tool, each round overwrites a different 1 MiB near the middle, publishes,
# and syncs with both tools; medians of wall, client and server CPU seconds and wire bytes, and
# the ratios. Target (issue 17): wire <= 1.1 MiB + metadata, time <= 0.5x rsync's. Needs about
# 4 x SIZE of free space under /tmp (origin, two copies, one staged copy); BENCH_TMP=DIR puts it there.
# CHASM_BEFORE=LAUNCHER also syncs a third copy with another build of the client (e.g. main's, copied
# with its examples/target) in every round, against the same server: before/after in one run.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
size_mib="${1:-4096}"
rounds="${2:-3}"
chasm="$here/chasm"
work="$(mktemp -d "${BENCH_TMP:-/tmp}/chasm-bigfile.XXXXXX")"
before="${CHASM_BEFORE:-}"
export CHASM_STATE_HOME="$work/state"
# shellcheck source=bench/lib-sync.sh
. "$here/bench/lib-sync.sh"
trap 'stop_servers; rm -rf "$work"' EXIT
command -v rsync >/dev/null || { echo "install rsync: apt-get install -y rsync" >&2; exit 2; }
command -v openssl >/dev/null || { echo "install openssl: apt-get install -y openssl" >&2; exit 2; }
"$chasm" --version >/dev/null   # build once, outside any timing

# (killed by SIGPIPE when head has enough: not a failure)
keystream() { openssl enc -aes-128-ctr -nosalt -pass "pass:$1" -in /dev/zero 2>/dev/null || true; }
mkdir -p "$work/origin"
echo "writing a ${size_mib} MiB file ..." >&2
keystream seed | head -c "$((size_mib * 1024 * 1024))" > "$work/origin/big.bin"
"$chasm" keygen --out "$work/origin.key" >/dev/null
chasm_publish "$work/origin"
start_rsyncd "origin=$work/origin"
start_chasm_serve "$work/origin"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); load at start: $(load)"
echo "initial syncs ..." >&2
r=$(rsync_sync origin "$work/r"); c=$(chasm_sync "$work/c")
echo "initial: rsync $r | chasm $c   (wall client-cpu server-cpu bytes)"
[ -z "$before" ] || echo "initial: before $(chasm="$before" chasm_sync "$work/b")"
: > "$work/rsync.txt"; : > "$work/chasm.txt"; : > "$work/before.txt"
for i in $(seq 1 "$rounds"); do
  # A different MiB each round, near the middle, so no round finds the previous one's bytes.
  off=$((size_mib / 2 + i * 3))
  keystream "round$i" | head -c 1048576 | dd of="$work/origin/big.bin" bs=1M seek="$off" conv=notrunc status=none
  t0=$(now); chasm_publish "$work/origin"; echo "round $i: chasm publish $(elapsed "$t0") s (origin side, not in the ratio)"
  start_chasm_serve "$work/origin"
  # Alternate who goes first, so neither always runs with a warmer page cache.
  if [ $((i % 2)) = 1 ]; then
    r=$(rsync_sync origin "$work/r"); c=$(chasm_sync "$work/c")
  else
    c=$(chasm_sync "$work/c"); r=$(rsync_sync origin "$work/r")
  fi
  echo "$r" >> "$work/rsync.txt"; echo "$c" >> "$work/chasm.txt"
  echo "round $i (load $(load)): rsync $r | chasm $c"
  if [ -n "$before" ]; then b=$(chasm="$before" chasm_sync "$work/b"); echo "$b" >> "$work/before.txt"; echo "round $i: before $b"; fi
done
cmp -s "$work/origin/big.bin" "$work/c/big.bin" && echo "chasm copy identical to origin: yes" || echo "chasm copy identical to origin: NO"
cmp -s "$work/origin/big.bin" "$work/r/big.bin" && echo "rsync copy identical to origin: yes" || echo "rsync copy identical to origin: NO"
echo "load at end: $(load)"
report_rows "1 MiB changed in ${size_mib} MiB" "$work/rsync.txt" "$work/chasm.txt"
if [ -n "$before" ]; then
  cmp -s "$work/origin/big.bin" "$work/b/big.bin" && echo "before copy identical to origin: yes" || echo "before copy identical to origin: NO"
  report_rows "same rounds, before build" "$work/rsync.txt" "$work/before.txt"
  report_rows "after vs before build" "$work/before.txt" "$work/chasm.txt" before
fi

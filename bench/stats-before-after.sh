#!/usr/bin/env bash
# The stats agent, two builds turn about on one log (issue 15): CPU-s beside wall, peak RSS and the
# load, and proof that the outputs are the same bytes.
#
#   bench/stats-before-after.sh BEFORE AFTER LOG FORMAT [ROUNDS] [state|plain]
#
# BEFORE and AFTER are directories holding a build's chasm-examples.jar and its lib/ (copy
# examples/target/chasm-examples.jar and examples/target/lib before changing the code), and
# optionally its packaging/src/main/sh/chasm-jvm.sh, whose flags that side then runs with. Each round
# runs `chasm stats scan --format FORMAT --json --test-seed 7 [--state DIR] LOG` with both (order
# swapped every round) under the launcher's JVM flags (packaging/src/main/sh/chasm-jvm.sh, without
# class-data sharing), then mawk summing bytes per path on the same file when MAWK holds its
# program (e.g. MAWK='{ b[$7] += $10 } END { for (p in b) print p, b[p] }' for combined).
# After every round it checks that the JSON reports, state.bin and every spooled batch (its id, the
# file name, and its bytes with the top-level created_unix removed) are identical, and stops if not.
# Compare CPU seconds: on a shared box wall time mostly says how busy the box was.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
before="$(cd "$1" && pwd)"; after="$(cd "$2" && pwd)"; log="$(readlink -f "$3")"; fmt=$4
rounds=${5:-3}; mode=${6:-state}
command -v /usr/bin/time >/dev/null || { echo "install time: apt-get install -y time" >&2; exit 2; }
out="$(mktemp -d /tmp/chasm-stats-ba.XXXXXX)"
trap 'rm -rf "$out"' EXIT

# Batch files: name, then sha256 of the bytes without the top-level field 7 (created_unix).
canon() {
  python3 - "$1" <<'PY'
import hashlib, os, sys
def varint(b, i):
    v = s = 0
    while True:
        c = b[i]; i += 1; v |= (c & 0x7f) << s; s += 7
        if c < 0x80: return v, i
def strip(b):
    out, i = bytearray(), 0
    while i < len(b):
        st = i; key, i = varint(b, i); f, wt = key >> 3, key & 7
        if wt == 0: _, i = varint(b, i)
        elif wt == 2: n, i = varint(b, i); i += n
        elif wt == 1: i += 8
        elif wt == 5: i += 4
        else: raise SystemExit("bad wire type %d" % wt)
        if f != 7: out += b[st:i]
    return bytes(out)
d = sys.argv[1]
for name in sorted(os.listdir(d)):
    print(name, hashlib.sha256(strip(open(os.path.join(d, name), 'rb').read())).hexdigest())
PY
}

one() { # one SIDE ROUND
  local side=$1 r=$2 dir st load e u s m jvm
  dir=$([ "$side" = before ] && echo "$before" || echo "$after")
  jvm="$root/packaging/src/main/sh/chasm-jvm.sh"
  [ -f "$dir/chasm-jvm.sh" ] && jvm="$dir/chasm-jvm.sh" # that build's own launcher flags
  st="$out/st-$side"
  rm -rf "$st"
  load=$(cut -d' ' -f1 /proc/loadavg)
  local args=(stats scan --format "$fmt" --json --test-seed 7)
  [ "$mode" = state ] && args+=(--state "$st")
  /usr/bin/time -f "%e %U %S %M" -o "$out/t" bash -c '
    chasm_java=java chasm_cp="$1/chasm-examples.jar" chasm_cache="" chasm_stamp=""; shift 2
    . "$0" "$@"' "$jvm" "$dir" -- "${args[@]}" "$log" \
    > "$out/json-$side" 2> "$out/err-$side" || { echo "$side failed:"; tail -3 "$out/err-$side"; exit 1; }
  read -r e u s m < "$out/t"
  printf "round %d %-6s wall %6.2f s  cpu %6.2f s (user %6.2f, sys %5.2f)  %6.1f MB per cpu-s  peak rss %4d MiB  load %s\n" \
    "$r" "$side" "$e" "$(echo "$u + $s" | bc)" "$u" "$s" \
    "$(echo "scale=1; $(stat -c %s "$log") / 1000000 / ($u + $s)" | bc)" $((m / 1024)) "$load"
}

same() {
  cmp -s "$out/json-before" "$out/json-after" || { echo "JSON reports differ"; exit 1; }
  if [ "$mode" = state ]; then
    cmp -s "$out/st-before/state.bin" "$out/st-after/state.bin" || { echo "state.bin differs"; exit 1; }
    canon "$out/st-before/spool" > "$out/batches-before"
    canon "$out/st-after/spool" > "$out/batches-after"
    cmp -s "$out/batches-before" "$out/batches-after" || { echo "batches differ"; exit 1; }
    echo "  identical: JSON report, state.bin ($(stat -c %s "$out/st-after/state.bin") bytes)," \
      "$(wc -l < "$out/batches-after") batches (ids, and bytes but created_unix)"
  else
    echo "  identical: JSON report"
  fi
}

for r in $(seq 1 "$rounds"); do
  if [ $((r % 2)) = 1 ]; then one before "$r"; one after "$r"; else one after "$r"; one before "$r"; fi
  same
  if [ -n "${MAWK:-}" ]; then
    load=$(cut -d' ' -f1 /proc/loadavg)
    /usr/bin/time -f "%e %U %S" -o "$out/t" mawk "$MAWK" "$log" > /dev/null
    read -r e u s < "$out/t"
    printf "round %d mawk   wall %6.2f s  cpu %6.2f s  %6.1f MB per cpu-s  load %s\n" "$r" "$e" \
      "$(echo "$u + $s" | bc)" "$(echo "scale=1; $(stat -c %s "$log") / 1000000 / ($u + $s)" | bc)" "$load"
  fi
done

#!/usr/bin/env bash
# Side-by-side: rsync daemon, `tar c | socket | tar x`, and chasm over loopback on the same trees, in one run.
#   bench/sync-vs-rsync.sh [SOURCE_TREE] [SMALL_FILES] [ROUNDS]
# SOURCE_TREE defaults to /usr/share; SMALL_FILES (default 300000) sizes the file-count test;
# ROUNDS (default 3) initial syncs into fresh directories and 1% updates, each tool in turn (who
# goes first alternates). Prints medians of wall time, CPU seconds of client and server, bytes on
# the wire, and the chasm/rsync and chasm/tar ratios. JVM start-up counts in every chasm figure, as
# rsync's process start-up does in its. Targets (issue 17): initial <= 0.5x rsync and <= 2x tar;
# update <= 0.5x rsync time and <= 1.0x rsync wire.
# CHASM_BEFORE=DIR (a checkout of the code before a change, built) adds its `chasm sync` client to
# every initial and update round, against the same server, and prints its rows as the "before" peer.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src_tree="${1:-/usr/share}"
small_files="${2:-300000}"
rounds="${3:-3}"
work="$(mktemp -d /tmp/chasm-bench.XXXXXX)"
chasm="$here/chasm"
# Tree state (index, pack, history) outside the trees but inside the work directory, removed with it.
export CHASM_STATE_HOME="$work/state"
# shellcheck source=bench/lib-sync.sh
. "$here/bench/lib-sync.sh"
tar_pid=""
trap 'stop_servers; [ -n "$tar_pid" ] && kill "$tar_pid" 2>/dev/null; rm -rf "$work"' EXIT
command -v rsync >/dev/null || { echo "install rsync: apt-get install -y rsync" >&2; exit 2; }
"$chasm" --version >/dev/null   # build once, outside any timing
before="${CHASM_BEFORE:+$CHASM_BEFORE/chasm}"
[ -z "$before" ] || "$before" --version >/dev/null
before_sync() { # DEST RESULTS: the before client's sync, if CHASM_BEFORE is set
  [ -n "$before" ] || return 0
  local b; b=$(chasm_sync "$1" "$before"); echo "$b" >> "$work/$2.txt"; echo "   chasm before: $b" >&2
}

# ---- trees ---------------------------------------------------------------------------------
origin="$work/origin"
echo "copying $src_tree ..." >&2
mkdir -p "$origin"
cp -a "$src_tree/." "$origin/" 2>/dev/null || true
# chasm does not create symlinks that are absolute or climb out of the tree (a mirror's web server
# must not be led to /etc; rsync only skips them with --safe-links); /usr/share has hundreds. All
# tools get the same tree without them, so all copy the same files.
python3 - "$origin" >&2 <<'PY'
import os, sys
root = os.path.realpath(sys.argv[1]); n = 0
for d, dirs, files in os.walk(root):
    for f in dirs + files:
        p = os.path.join(d, f)
        if os.path.islink(p):
            t = os.readlink(p)
            full = os.path.normpath(os.path.join(os.path.dirname(p), t))
            if t.startswith('/') or not (full + '/').startswith(root + '/'):
                os.unlink(p); n += 1
print("removed %d absolute or escaping symlinks from the copy" % n)
PY
make_small_tree() {
  python3 - "$1" "$2" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    d = os.path.join(root, "d%03d" % (i % 1000), "e%02d" % ((i // 1000) % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d" % i), "wb") as f:
        f.write(("file %d\n" % i).encode() * (1 + i % 7))
PY
}

# ---- the plain copy: tar c | loopback TCP | tar x (python relays the socket: no socat/nc needed) ----
# Prints "wall client_cpu server_cpu bytes": the receiving side (listener + tar x) is the client,
# the sending side (tar c + connector) the server; bytes = the tar stream.
tar_copy() {
  local src="$1" dest="$2" t0
  mkdir -p "$dest"
  rm -f "$work/tar.port"
  /usr/bin/time -f "%U %S" -o "$work/tar.recv" bash -c '
    python3 -c "
import socket, sys
s = socket.socket(); s.bind((\"127.0.0.1\", 0)); s.listen(1)
open(sys.argv[1], \"w\").write(str(s.getsockname()[1]))
c, _ = s.accept(); out = sys.stdout.buffer; n = 0
while True:
    b = c.recv(1 << 20)
    if not b: break
    out.write(b); n += len(b)
open(sys.argv[1] + \".bytes\", \"w\").write(str(n))
" "$1" | tar x -C "$2"' _ "$work/tar.port" "$dest" & tar_pid=$!
  for _ in $(seq 1 100); do [ -s "$work/tar.port" ] && break; sleep 0.05; done
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$work/tar.send" bash -c '
    tar c -C "$1" --exclude=./.chasm . | python3 -c "
import socket, sys
c = socket.create_connection((\"127.0.0.1\", int(sys.argv[1])))
i = sys.stdin.buffer
while True:
    b = i.read(1 << 20)
    if not b: break
    c.sendall(b)
c.close()
" "$2"' _ "$src" "$(cat "$work/tar.port")"
  wait "$tar_pid"; tar_pid=""
  local w; w=$(elapsed "$t0")
  echo "$w $(awk '{printf "%.2f", $1 + $2}' "$work/tar.recv") $(awk '{printf "%.2f", $1 + $2}' "$work/tar.send") $(cat "$work/tar.port.bytes")"
}

# ---- run ---------------------------------------------------------------------------------------
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(df -T "$work" | awk 'NR==2 {print $2}') under $work; load at start: $(load)"
"$chasm" keygen --out "$work/origin.key" >/dev/null
mkdir -p "$work/small"
start_rsyncd "origin=$origin" "small=$work/small"
echo "indexing and publishing origin ..." >&2
chasm_publish "$origin"
start_chasm_serve "$origin"
echo "files: $(find "$origin" -type f | wc -l), bytes: $(du -sb --exclude=.chasm "$origin" | cut -f1)"
for f in r-init c-init t-init r-nochg c-nochg r-upd c-upd b-init b-upd; do : > "$work/$f.txt"; done
# Initial syncs into fresh directories, round by round; the last round's copies are updated below.
for i in $(seq 1 "$rounds"); do
  rm -rf "$work/r1" "$work/c1" "$work/t1" "$work/b1" "$CHASM_STATE_HOME"/*-c1-* "$CHASM_STATE_HOME"/*-b1-* 2>/dev/null || true
  # the before client goes first in odd rounds, second in even ones (the server warms up)
  if [ $((i % 2)) = 1 ]; then
    r=$(rsync_sync origin "$work/r1"); before_sync "$work/b1" b-init; c=$(chasm_sync "$work/c1"); t=$(tar_copy "$origin" "$work/t1")
  else
    t=$(tar_copy "$origin" "$work/t1"); c=$(chasm_sync "$work/c1"); before_sync "$work/b1" b-init; r=$(rsync_sync origin "$work/r1")
  fi
  echo "$r" >> "$work/r-init.txt"; echo "$c" >> "$work/c-init.txt"; echo "$t" >> "$work/t-init.txt"
  echo "initial round $i (load $(load)): rsync $r | chasm $c | tar $t" >&2
done
r=$(rsync_sync origin "$work/r1"); c=$(chasm_sync "$work/c1")
echo "$r" >> "$work/r-nochg.txt"; echo "$c" >> "$work/c-nochg.txt"
for i in $(seq 1 "$rounds"); do
  mutate "$origin" "$i"
  t0=$(now); chasm_publish "$origin"; echo "round $i: chasm publish after update $(elapsed "$t0") s (origin side, not in the ratio)" >&2
  start_chasm_serve "$origin"
  if [ $((i % 2)) = 1 ]; then
    r=$(rsync_sync origin "$work/r1"); before_sync "$work/b1" b-upd; c=$(chasm_sync "$work/c1")
  else
    c=$(chasm_sync "$work/c1"); before_sync "$work/b1" b-upd; r=$(rsync_sync origin "$work/r1")
  fi
  echo "$r" >> "$work/r-upd.txt"; echo "$c" >> "$work/c-upd.txt"
  echo "update round $i (load $(load)): rsync $r | chasm $c" >&2
done
diff -r --no-dereference --exclude=.chasm "$origin" "$work/c1" >/dev/null && echo "chasm copy identical to origin: yes" || echo "chasm copy identical to origin: NO"
report_rows "initial sync" "$work/r-init.txt" "$work/c-init.txt"
report_rows "initial sync" "$work/t-init.txt" "$work/c-init.txt" tar
report_rows "no change" "$work/r-nochg.txt" "$work/c-nochg.txt"
report_rows "1% update" "$work/r-upd.txt" "$work/c-upd.txt"
if [ -n "$before" ]; then
  diff -r --no-dereference --exclude=.chasm "$origin" "$work/b1" >/dev/null && echo "chasm (before) copy identical to origin: yes" || echo "chasm (before) copy identical to origin: NO"
  report_rows "initial sync" "$work/b-init.txt" "$work/c-init.txt" before
  report_rows "1% update" "$work/b-upd.txt" "$work/c-upd.txt" before
fi

if [ "$small_files" -gt 0 ]; then
  echo "generating $small_files small files ..." >&2
  make_small_tree "$work/small" "$small_files"
  chasm_publish "$work/small"
  start_chasm_serve "$work/small"
  rsync_sync small "$work/r2" >/dev/null; chasm_sync "$work/c2" >/dev/null
  rsync_sync small "$work/r2" > "$work/r-small.txt"; chasm_sync "$work/c2" > "$work/c-small.txt"
  report_rows "no change, $small_files files" "$work/r-small.txt" "$work/c-small.txt"
fi
echo "load at end: $(load)"

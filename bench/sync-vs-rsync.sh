#!/usr/bin/env bash
# Side-by-side: rsync daemon vs chasm over loopback on the same trees, in one run.
#   bench/sync-vs-rsync.sh [SOURCE_TREE] [SMALL_FILES]
# SOURCE_TREE defaults to /usr/share; SMALL_FILES (default 300000) sizes the file-count test.
# Prints wall time and bytes on the wire for each step and the chasm/rsync ratios.
# JVM start-up counts in every chasm figure, as rsync's process start-up does in its.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src_tree="${1:-/usr/share}"
small_files="${2:-300000}"
work="$(mktemp -d /tmp/chasm-bench.XXXXXX)"
# Tree state (index, pack, history) outside the trees but inside the work directory, removed with it.
export CHASM_STATE_HOME="$work/state"
rsync_pid=""; chasm_pid=""
cleanup() {
  [ -n "$rsync_pid" ] && kill "$rsync_pid" 2>/dev/null || true
  [ -n "$chasm_pid" ] && kill "$chasm_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
command -v rsync >/dev/null || { echo "install rsync: apt-get install -y rsync" >&2; exit 2; }
chasm="$here/chasm"
"$chasm" --version >/dev/null   # build once, outside any timing

now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l; }

# ---- trees ---------------------------------------------------------------------------------
origin="$work/origin"
echo "copying $src_tree ..." >&2
mkdir -p "$origin"
cp -a "$src_tree/." "$origin/" 2>/dev/null || true
# chasm does not create symlinks that are absolute or climb out of the tree (a mirror's web server
# must not be led to /etc; rsync only skips them with --safe-links); /usr/share has hundreds. Both
# tools get the same tree without them, so both publish the same files.
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
# Deterministic update: 1% of regular files get a line appended, 1% new files, 0.5% deleted.
mutate() {
  local dir="$1"
  find "$dir" -path "$dir/.chasm" -prune -o -type f -print | LC_ALL=C sort > "$work/files.txt"
  local n; n=$(wc -l < "$work/files.txt")
  awk -v n="$n" 'NR % 100 == 7' "$work/files.txt" | while IFS= read -r f; do echo "chasm bench appended line" >> "$f"; done
  awk -v n="$n" 'NR % 200 == 3' "$work/files.txt" | while IFS= read -r f; do rm -f "$f"; done
  awk -v n="$n" 'NR % 100 == 11' "$work/files.txt" | while IFS= read -r f; do
    head -c 4096 "$f" > "$f.new-in-update" 2>/dev/null || true; done
}
make_small_tree() {
  local dir="$1" count="$2"
  python3 - "$dir" "$count" <<'PY'
import os, sys
root, count = sys.argv[1], int(sys.argv[2])
for i in range(count):
    d = os.path.join(root, "d%03d" % (i % 1000), "e%02d" % ((i // 1000) % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%06d" % i), "wb") as f:
        f.write(("file %d\n" % i).encode() * (1 + i % 7))
PY
}

# ---- rsync -----------------------------------------------------------------------------------
rsync_port=$((20000 + RANDOM % 20000))
start_rsyncd() {
  cat > "$work/rsyncd.conf" <<CONF
port = $rsync_port
address = 127.0.0.1
use chroot = no
pid file = $work/rsyncd.pid
[origin]
  path = $origin
  read only = yes
  uid = $(id -u)
  gid = $(id -g)
[small]
  path = $work/small
  read only = yes
  uid = $(id -u)
  gid = $(id -g)
CONF
  rsync --daemon --no-detach --config="$work/rsyncd.conf" & rsync_pid=$!
  sleep 0.5
}
# Prints "seconds bytes" (bytes = sent + received as rsync's --stats reports them).
rsync_sync() {
  local module="$1" dest="$2" t0 out
  t0=$(now)
  out=$(rsync -a --delete --stats --exclude=/.chasm "rsync://127.0.0.1:$rsync_port/$module/" "$dest/")
  local secs; secs=$(elapsed "$t0")
  local sent recv
  sent=$(echo "$out" | awk -F': ' '/^Total bytes sent/ {gsub(/,/,"",$2); print $2}')
  recv=$(echo "$out" | awk -F': ' '/^Total bytes received/ {gsub(/,/,"",$2); print $2}')
  echo "$secs $((sent + recv))"
}

# ---- chasm -----------------------------------------------------------------------------------
chasm_port=$((40000 + RANDOM % 20000))
"$chasm" keygen --out "$work/origin.key" >/dev/null
chasm_publish() { "$chasm" publish "$1" --key "$work/origin.key" >/dev/null; }
start_chasm_serve() {
  local dir="$1"
  [ -n "$chasm_pid" ] && kill "$chasm_pid" 2>/dev/null && wait "$chasm_pid" 2>/dev/null || true
  "$chasm" serve "$dir" --listen "tcp://127.0.0.1:$chasm_port" > "$work/serve.log" 2>&1 & chasm_pid=$!
  for _ in $(seq 1 100); do grep -q "listening" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
}
# Prints "seconds bytes" (bytes = received + sent as chasm sync --json reports them).
chasm_sync() {
  local dest="$1" t0 out
  t0=$(now)
  out=$("$chasm" sync "tcp://127.0.0.1:$chasm_port" "$dest" --trust "$work/origin.key.pub" --json)
  local secs; secs=$(elapsed "$t0")
  local bytes
  bytes=$(echo "$out" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["bytes_received"]+j["bytes_sent"])')
  echo "$secs $bytes"
}

# ---- run ---------------------------------------------------------------------------------------
report() { # step rsync_result chasm_result
  read -r rs rb <<< "$2"; read -r cs cb <<< "$3"
  printf '%-28s rsync %8.2f s %12d B | chasm %8.2f s %12d B | time x%.2f  wire x%.3f\n' \
    "$1" "$rs" "$rb" "$cs" "$cb" "$(echo "$cs / $rs" | bc -l)" "$(echo "$cb / ($rb + 0.000001)" | bc -l)"
}
mkdir -p "$work/small"
start_rsyncd
echo "indexing and publishing origin ..." >&2
chasm_publish "$origin"
start_chasm_serve "$origin"

echo "files: $(find "$origin" -type f | wc -l), bytes: $(du -sb --exclude=.chasm "$origin" | cut -f1)"
r=$(rsync_sync origin "$work/r1"); c=$(chasm_sync "$work/c1"); report "initial sync" "$r" "$c"
r=$(rsync_sync origin "$work/r1"); c=$(chasm_sync "$work/c1"); report "no change" "$r" "$c"
mutate "$origin"
t0=$(now); chasm_publish "$origin"; echo "chasm publish after update: $(elapsed "$t0") s (origin side, not in the ratio)"
r=$(rsync_sync origin "$work/r1"); c=$(chasm_sync "$work/c1"); report "1% update" "$r" "$c"
r=$(rsync_sync origin "$work/r1"); c=$(chasm_sync "$work/c1"); report "no change after update" "$r" "$c"
diff -r --no-dereference --exclude=.chasm "$origin" "$work/c1" >/dev/null && echo "chasm copy identical to origin: yes" || echo "chasm copy identical to origin: NO"

echo "generating $small_files small files ..." >&2
make_small_tree "$work/small" "$small_files"
chasm_publish "$work/small"
start_chasm_serve "$work/small"
rsync_sync small "$work/r2" >/dev/null; chasm_sync "$work/c2" >/dev/null
r=$(rsync_sync small "$work/r2"); c=$(chasm_sync "$work/c2"); report "no change, $small_files files" "$r" "$c"

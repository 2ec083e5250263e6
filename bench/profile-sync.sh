#!/usr/bin/env bash
# Profiles one initial sync of a copy of SOURCE_TREE over loopback (issue 17):
#   bench/profile-sync.sh [SOURCE_TREE]      (default /usr/share)
# 1. JFR on `chasm serve` and `chasm sync` (settings=profile), summarised by bench/jfr-top.py;
# 2. the same sync again without JFR, with the client's phase timings (debug log);
# 3. once more under `strace -c -f` (syscall counts: opens, renames, fsync/syncfs);
# 4. the 1% update of bench/sync-vs-rsync.sh on the copies of 1-3: phase timings, JFR, strace -c.
# Keeps the work directory (recordings, strace table) and prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
src_tree="${1:-/usr/share}"
chasm="$here/chasm"
work="$(mktemp -d /tmp/chasm-profile.XXXXXX)"
export CHASM_STATE_HOME="$work/state"
serve_pid=""
# shellcheck source=bench/lib-sync.sh
. "$here/bench/lib-sync.sh"   # mutate()
trap '[ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true' EXIT
"$chasm" --version >/dev/null
mkdir -p "$work/origin"
cp -a "$src_tree/." "$work/origin/" 2>/dev/null || true
# chasm refuses absolute or escaping symlinks (see sync-vs-rsync.sh): drop them from the copy.
python3 - "$work/origin" <<'PY'
import os, sys
root = os.path.realpath(sys.argv[1])
for d, dirs, files in os.walk(root):
    for f in dirs + files:
        p = os.path.join(d, f)
        if os.path.islink(p):
            t = os.readlink(p)
            full = os.path.normpath(os.path.join(os.path.dirname(p), t))
            if t.startswith('/') or not (full + '/').startswith(root + '/'):
                os.unlink(p)
PY
"$chasm" keygen --out "$work/k" >/dev/null
"$chasm" publish "$work/origin" --key "$work/k" >/dev/null
JAVA_OPTS="-XX:StartFlightRecording=filename=$work/server.jfr,settings=profile" \
  "$chasm" serve "$work/origin" --listen tcp://127.0.0.1:0 > "$work/serve.log" 2>&1 & serve_pid=$!
for _ in $(seq 1 300); do grep -q listening "$work/serve.log" && break; sleep 0.2; done
addr=$(grep -o '127.0.0.1:[0-9]*' "$work/serve.log" | head -1)
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
JAVA_OPTS="-XX:StartFlightRecording=filename=$work/client.jfr,settings=profile" \
  /usr/bin/time -f "client with JFR: %e s wall, %U s user, %S s sys" \
  "$chasm" sync "tcp://$addr" "$work/c1" --trust "$work/k.pub" > /dev/null
JAVA_OPTS=-Dorg.slf4j.simpleLogger.log.io.chasm.wire.sync=debug \
  /usr/bin/time -f "client without JFR: %e s wall, %U s user, %S s sys" \
  "$chasm" sync "tcp://$addr" "$work/c2" --trust "$work/k.pub" 2>&1 >/dev/null | grep -v '^\[' || true
strace -c -f -o "$work/strace.txt" "$chasm" sync "tcp://$addr" "$work/c3" --trust "$work/k.pub" >/dev/null || true
echo "== the 1% update (appended, new, deleted), load: $(cut -d' ' -f1-3 /proc/loadavg)"
mutate "$work/origin" 1
"$chasm" publish "$work/origin" --key "$work/k" >/dev/null
sleep 1   # the server notices the new snapshot by inotify
JAVA_OPTS="-XX:StartFlightRecording=filename=$work/update.jfr,settings=profile" \
  /usr/bin/time -f "update with JFR: %e s wall, %U s user, %S s sys" \
  "$chasm" sync "tcp://$addr" "$work/c1" --trust "$work/k.pub" > /dev/null
JAVA_OPTS=-Dorg.slf4j.simpleLogger.log.io.chasm.wire.sync=debug \
  /usr/bin/time -f "update without JFR: %e s wall, %U s user, %S s sys" \
  "$chasm" sync "tcp://$addr" "$work/c2" --trust "$work/k.pub" 2>&1 >/dev/null | grep -v '^\[' || true
strace -c -f -o "$work/strace-update.txt" "$chasm" sync "tcp://$addr" "$work/c3" --trust "$work/k.pub" >/dev/null || true
/usr/bin/time -f "JVM start-up alone (chasm --version): %e s wall, %U s user, %S s sys" "$chasm" --version >/dev/null
awk '{printf "server (3 syncs): %.2f s user, %.2f s sys\n", $14/100, $15/100}' "/proc/$serve_pid/stat"
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
for side in client server; do
  echo "== $side (JFR execution samples)"
  jfr print --events jdk.ExecutionSample --stack-depth 64 "$work/$side.jfr" | python3 "$here/bench/jfr-top.py"
done
echo "== client syscalls (strace -c -f)"; head -25 "$work/strace.txt"
echo "== update client (JFR execution samples)"
jfr print --events jdk.ExecutionSample --stack-depth 64 "$work/update.jfr" | python3 "$here/bench/jfr-top.py"
echo "== update client syscalls (strace -c -f)"; head -25 "$work/strace-update.txt"
echo "recordings and tables kept in $work"

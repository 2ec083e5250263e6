#!/usr/bin/env bash
# Plain web mirrors as sources (issue 14), one run: the same first sync and no-change sync of a
# tree from a CHASM peer (`chasm serve`), from a plain nginx mirror of the exported tree, and from
# both at once; each step's wall time, bytes received and the ratio to the peer-only sync.
#
#   bench/web-mirror.sh [SOURCE_TREE] [ROUNDS]
#
# SOURCE_TREE (default /usr/share/doc) is copied once; ROUNDS (default 3) alternates the three
# source mixes per round and prints the median of each. Needs nginx (apt-get install nginx-light).
set -euo pipefail
src_tree="${1:-/usr/share/doc}"; rounds="${2:-3}"
here="$(cd "$(dirname "$0")/.." && pwd)"
chasm="$here/chasm"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx_bin" ] || { echo "install nginx: apt-get install -y nginx-light" >&2; exit 2; }
work="$(mktemp -d /tmp/chasm-web-mirror.XXXXXX)"
export CHASM_STATE_HOME="$work/state"
serve_pid=""; nginx_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
"$chasm" --version >/dev/null   # build outside any timing

echo "copying $src_tree ..." >&2
mkdir -p "$work/origin"
cp -a "$src_tree/." "$work/origin/" 2>/dev/null || true
find "$work/origin" -type l | while IFS= read -r l; do
  t=$(readlink "$l"); case "$t" in /*) rm -f "$l" ;; esac
done
find "$work/origin" -xtype l -delete
"$chasm" keygen --out "$work/key" >/dev/null
"$chasm" publish "$work/origin" --key "$work/key" --origin bench >/dev/null
"$chasm" export-static "$work/origin" >/dev/null
cp -a "$work/origin" "$work/web"   # what an rsync of the tree gives a plain mirror
chmod -R a+rX "$work/web"
files=$(find "$work/origin" -type f -not -path '*/.chasm-export/*' | wc -l)
bytes=$(du -sb --exclude=.chasm-export "$work/origin" | cut -f1)

port=$((40000 + RANDOM % 10000)); hport=$((port + 1))
mkdir -p "$work/nginx/temp"
cat > "$work/nginx/nginx.conf" <<CONF
daemon off; master_process off; pid $work/nginx/nginx.pid; error_log $work/nginx/error.log;
events { worker_connections 512; }
http { default_type application/octet-stream; sendfile on; access_log off; keepalive_requests 100000;
  client_body_temp_path $work/nginx/temp/b; proxy_temp_path $work/nginx/temp/p; fastcgi_temp_path $work/nginx/temp/f;
  uwsgi_temp_path $work/nginx/temp/u; scgi_temp_path $work/nginx/temp/s;
  server { listen 127.0.0.1:$hport; location /mirror/ { alias $work/web/; } } }
CONF
"$nginx_bin" -p "$work/nginx" -e "$work/nginx/error.log" -c "$work/nginx/nginx.conf" & nginx_pid=$!
"$chasm" serve "$work/origin" --listen "tcp://127.0.0.1:$port" > "$work/serve.log" 2>&1 & serve_pid=$!
for _ in $(seq 1 100); do grep -q listening "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
peer="tcp://127.0.0.1:$port"; web="http://127.0.0.1:$hport/mirror/"

# run LABEL URI...: a first sync and a no-change sync into a fresh mirror; appends "wall bytes" per step
run() {
  local label=$1; shift
  rm -rf "$work/m" "$work/state/"*m 2>/dev/null || true
  for step in first nochange; do
    local t0 t1
    t0=$(date +%s.%N)
    "$chasm" sync "$@" "$work/m" --trust "$work/key.pub" --json > "$work/out.json"
    t1=$(date +%s.%N)
    python3 - "$t0" "$t1" "$work/out.json" >> "$work/$label.$step" <<'PY'
import json, sys
r = json.load(open(sys.argv[3]))
assert not r["banned"], r["banned"]
print(f"{float(sys.argv[2]) - float(sys.argv[1]):.3f} {r['bytes_received']}")
PY
  done
  rm -rf "$work/m"
}
for i in $(seq 1 "$rounds"); do
  run peer "$peer"; run web "$web"; run mixed "$web" "$peer"
done
load=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$work" "$files" "$bytes" "$load" <<'PY'
import statistics, sys
work, files, size, load = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
print(f"tree: {files} files, {size / 1e6:.1f} MB; load average before the summary: {load}")
med = {}
for step in ("first", "nochange"):
    for label in ("peer", "web", "mixed"):
        rows = [tuple(map(float, l.split())) for l in open(f"{work}/{label}.{step}")]
        med[label, step] = (statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows))
    for label, what in (("peer", "chasm serve (tcp)"), ("web", "nginx (http, Range)"), ("mixed", "nginx + chasm serve")):
        w, b = med[label, step]
        ratio = w / med["peer", step][0]
        print(f"{step:9s} {what:22s} {w:7.2f} s  {b / 1e6:8.2f} MB received  x{ratio:.2f} of peer-only time")
PY

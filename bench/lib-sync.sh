# Shared by bench/sync-vs-rsync.sh and bench/bigfile.sh (source it after setting $work and $chasm):
# an rsync daemon and a `chasm serve` on loopback, one sync with each that prints
# "wall_s client_cpu_s server_cpu_s wire_bytes", and medians.
rsync_pid=""; chasm_pid=""
stop_servers() {
  [ -n "$rsync_pid" ] && kill "$rsync_pid" 2>/dev/null && wait "$rsync_pid" 2>/dev/null || true
  [ -n "$chasm_pid" ] && kill "$chasm_pid" 2>/dev/null && wait "$chasm_pid" 2>/dev/null || true
  rsync_pid=""; chasm_pid=""
}
now() { date +%s.%N; }
elapsed() { echo "$(now) - $1" | bc -l; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# CPU seconds of a process and of its reaped children (rsync's daemon forks one per connection).
proc_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15 + $16 + $17) / hz}' "/proc/$1/stat"
}
# Runs a command; prints "wall cpu" (cpu = user + sys of the command and its children).
timed() {
  local out="$work/timed.$$" t0 rc=0
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$out" "$@" > "$work/timed.stdout" || rc=$?
  [ "$rc" = 0 ] || { echo "failed ($rc): $*" >&2; cat "$work/timed.stdout" >&2; return "$rc"; }
  local w; w=$(elapsed "$t0")
  echo "$w $(awk '{printf "%.2f", $1 + $2}' "$out")"
}

# rsync daemon serving MODULE=DIR pairs.
start_rsyncd() {
  rsync_port=$((20000 + RANDOM % 20000))
  { echo "port = $rsync_port"; echo "address = 127.0.0.1"; echo "use chroot = no"; echo "pid file = $work/rsyncd.pid"
    for m in "$@"; do printf '[%s]\n  path = %s\n  read only = yes\n  uid = %s\n  gid = %s\n' "${m%%=*}" "${m#*=}" "$(id -u)" "$(id -g)"; done
  } > "$work/rsyncd.conf"
  rsync --daemon --no-detach --config="$work/rsyncd.conf" & rsync_pid=$!
  sleep 0.5
}
# Prints "wall client_cpu server_cpu bytes" (bytes = sent + received as rsync's --stats reports them).
rsync_sync() {
  local module="$1" dest="$2" s0 r
  s0=$(proc_cpu "$rsync_pid")
  r=$(timed rsync -a --delete --stats --exclude=/.chasm "rsync://127.0.0.1:$rsync_port/$module/" "$dest/")
  sleep 0.2   # let the daemon reap its child, so the child's CPU is counted
  local sent recv
  sent=$(awk -F': ' '/^Total bytes sent/ {gsub(/,/,"",$2); print $2}' "$work/timed.stdout")
  recv=$(awk -F': ' '/^Total bytes received/ {gsub(/,/,"",$2); print $2}' "$work/timed.stdout")
  echo "$r $(echo "$(proc_cpu "$rsync_pid") - $s0" | bc -l) $((sent + recv))"
}

chasm_publish() { "$chasm" publish "$1" --key "$work/origin.key" >/dev/null; }
start_chasm_serve() {
  [ -n "$chasm_pid" ] && kill "$chasm_pid" 2>/dev/null && wait "$chasm_pid" 2>/dev/null || true
  "$chasm" serve "$1" --listen "tcp://127.0.0.1:0" > "$work/serve.log" 2>&1 & chasm_pid=$!
  for _ in $(seq 1 300); do grep -q "listening" "$work/serve.log" 2>/dev/null && break; sleep 0.1; done
  chasm_addr=$(grep -o '127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -1)
  [ -n "$chasm_addr" ] || { echo "chasm serve did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }
}
# Prints "wall client_cpu server_cpu bytes" (bytes = received + sent as chasm sync --json reports them).
chasm_sync() { # DEST [CHASM_LAUNCHER: another build's client, e.g. the code before a change]
  local dest="$1" bin="${2:-$chasm}" s0 r
  s0=$(proc_cpu "$chasm_pid")
  r=$(timed "$bin" sync "tcp://$chasm_addr" "$dest" --trust "$work/origin.key.pub" --json)
  local bytes
  bytes=$(python3 -c 'import json,sys; j=json.load(open(sys.argv[1])); print(j["bytes_received"]+j["bytes_sent"])' "$work/timed.stdout")
  echo "$r $(echo "$(proc_cpu "$chasm_pid") - $s0" | bc -l) $bytes"
}

# median of the numbers on stdin
median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print 0; else if (NR % 2) printf "%.3f\n", a[(NR+1)/2]; else printf "%.3f\n", (a[NR/2]+a[NR/2+1])/2}'; }
# column N (1: wall, 2: client CPU, 3: server CPU, 4: bytes) of a results file, median
col_median() { awk -v c="$2" '{print $c}' "$1" | median; }
# One line per tool: medians of wall, client CPU, server CPU, wire; then ratios against the first.
report_rows() { # step peer_file chasm_file [peer_name]
  local step="$1" pf="$2" cf="$3" peer="${4:-rsync}" pw pc ps pb cw cc cs cb
  pw=$(col_median "$pf" 1); pc=$(col_median "$pf" 2); ps=$(col_median "$pf" 3); pb=$(col_median "$pf" 4)
  cw=$(col_median "$cf" 1); cc=$(col_median "$cf" 2); cs=$(col_median "$cf" 3); cb=$(col_median "$cf" 4)
  printf '%-30s %-6s wall %7.2f s  cpu client %6.2f s server %6.2f s  wire %13.0f B  (%d rounds)\n' "$step" "$peer" "$pw" "$pc" "$ps" "$pb" "$(wc -l < "$pf")"
  printf '%-30s %-6s wall %7.2f s  cpu client %6.2f s server %6.2f s  wire %13.0f B  (%d rounds)\n' "" chasm "$cw" "$cc" "$cs" "$cb" "$(wc -l < "$cf")"
  printf '%-30s ratio chasm/%s: wall x%.2f  cpu (both ends) x%.2f  wire x%.3f\n' "" "$peer" \
    "$(echo "$cw / $pw" | bc -l)" "$(echo "($cc + $cs) / ($pc + $ps + 0.001)" | bc -l)" "$(echo "$cb / ($pb + 0.000001)" | bc -l)"
}

# Deterministic update: 1% of regular files get a line appended, 1% new files, 0.5% deleted.
# ROUND makes each round's change different from the last. Needs $work.
mutate() {
  local dir="$1" round="$2"
  find "$dir" -path "$dir/.chasm" -prune -o -type f -print | LC_ALL=C sort > "$work/files.txt"
  awk -v r="$round" 'NR % 100 == (7 + r) % 100' "$work/files.txt" | while IFS= read -r f; do echo "chasm bench appended line $round" >> "$f"; done
  awk -v r="$round" 'NR % 200 == (3 + 2 * r) % 200' "$work/files.txt" | while IFS= read -r f; do rm -f "$f"; done
  awk -v r="$round" 'NR % 100 == (11 + r) % 100' "$work/files.txt" | while IFS= read -r f; do
    head -c 4096 "$f" > "$f.new-in-update-$round" 2>/dev/null || true; done
}

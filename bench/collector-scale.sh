#!/usr/bin/env bash
# The collector at scale (issue 15): MIRRORS mirrors x DAYS days of daily batches, each with 100
# artifacts out of a catalogue of 10,000 (DAY rows plus the WEEK and MONTH rows a windowed agent
# sends), POSTed over loopback into a collector on a real PostgreSQL server started here; then the
# p50/p95 latency of the home page, a project page, a time series and a CSV export.
#
#   bench/collector-scale.sh [--mirrors N] [--days N] [--submitters N] [--producers N] [--samples N]
#                            [--profile] [--prefill-days N]
#                            (defaults: 1000 365 8 2 40; e.g. --mirrors 100 --days 30 for a quick run)
# --prefill-days N first writes N days of every mirror's data straight into the rollups in SQL
# (ScalePrefill: what the pages read, not the raw stats rows), then POSTs --days more days over
# HTTP: the full size in minutes, with ingest and pages measured on top of it. E.g. the full size:
#   bench/collector-scale.sh --mirrors 1000 --prefill-days 358 --days 7
# --floor N (with --mirrors, --prefill-days) instead measures the storage floor: N batches of the
# same shape written by plain SQL on one connection, no collector JVM work (CollectorFloorRun),
# in rolls of --floor-roll batches (default 500); batches per CPU-second and each statement's share.
# --floor-memory: the floor of a writer that remembers what it wrote (w7-C), probing only the keys
# it cannot know absent. --floor-inline: sketches kept inline, uncompressed (toast_tuple_target).
# --keep DIR keeps the server's files in DIR; a later run with the same DIR starts that server
# again, skips the prefill and POSTs --days more days on top (the full size without its 4-10
# minutes of prefill, for runs side by side). Delete DIR when done (about 7 GB at full size).
# --profile loads pg_stat_statements and prints the statements that took the most server time.
# SCALE_ARGLINE="-XX:StartFlightRecording=filename=/tmp/x.jfr" passes JVM options to the collector's JVM.
#
# Needs PostgreSQL's server binaries (initdb, pg_ctl: apt-get install -y postgresql) and psql.
# As root, the server runs as the postgres user. The server and its files are removed at the end.
# Figures go to stdout (and docs/benchmarks.md by hand); the machine's load is printed beside them.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mirrors=1000 days=365 submitters=8 producers=2 samples=40 profile=0 prefill=0 floor=0 roll=500 keep="" floormem=false floorinline=false
while [ $# -gt 0 ]; do
  case "$1" in
    --mirrors) mirrors="$2"; shift 2 ;;
    --days) days="$2"; shift 2 ;;
    --submitters) submitters="$2"; shift 2 ;;
    --producers) producers="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --profile) profile=1; shift ;;
    --prefill-days) prefill="$2"; shift 2 ;;
    --floor) floor="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --floor-roll) roll="$2"; shift 2 ;;
    --floor-memory) floormem=true; shift ;;
    --floor-inline) floorinline=true; shift ;;
    *) echo "collector-scale: unknown argument $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
bin=""
for d in $(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)") /usr/lib/postgresql/*/bin; do
  [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && { bin="$d"; break; }
done
[ -n "$bin" ] || { echo "collector-scale: needs initdb and pg_ctl (apt-get install -y postgresql)" >&2; exit 2; }
command -v psql >/dev/null || { echo "collector-scale: needs psql (apt-get install -y postgresql-client)" >&2; exit 2; }

reuse=false
if [ -n "$keep" ]; then
  mkdir -p "$keep"
  work="$(cd "$keep" && pwd)"
  [ -d "$work/data" ] && reuse=true
else
  work="$(mktemp -d "${SCALE_TMP:-/tmp}/chasm-collector-scale.XXXXXX")"
fi
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
port=$(( 20000 + RANDOM % 20000 ))
out="$work/run.log"
stop() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  [ -n "$keep" ] || rm -rf "$work"
}
trap stop EXIT
if [ "$reuse" = false ]; then
  "${as_pg[@]}" "$bin/initdb" -D "$work/data" -U chasm --auth=trust -E UTF8 >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; exit 1; }
fi
pgextra=""
[ "$profile" = 1 ] && pgextra="-c shared_preload_libraries=pg_stat_statements"
# Defaults apart from memory sized for a collector host and room for the pool; fsync and
# synchronous_commit stay on (a batch acknowledged is a batch kept). The server logs its
# autovacuums, checkpoints and every statement over 100 ms, printed at the end beside the timed
# samples (a page's tail is then laid on what ran during it).
"${as_pg[@]}" "$bin/pg_ctl" -D "$work/data" -l "$work/pg.log" -w \
  -o "-p $port -c listen_addresses=127.0.0.1 -k $work -c shared_buffers=1GB -c max_connections=60 -c max_wal_size=4GB $pgextra -c log_autovacuum_min_duration=0 \
-c log_checkpoints=on -c log_min_duration_statement=100" \
  start >/dev/null
[ "$reuse" = true ] || psql -q -h 127.0.0.1 -p "$port" -U chasm -d postgres -c "CREATE DATABASE collector"
[ "$profile" = 1 ] && psql -q -h 127.0.0.1 -p "$port" -U chasm -d collector -c "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"
jdbc="jdbc:postgresql://127.0.0.1:$port/collector?user=chasm"

started="$(date -u '+%F %T')"
echo "collector-scale: $0 --mirrors $mirrors --days $days --prefill-days $prefill --submitters $submitters --samples $samples; started $(date -u +%FT%TZ)"
echo "collector-scale: PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port; $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
cd "$root"
rm -f chasm-collector/target/surefire-reports/*CollectorScaleBench* chasm-collector/target/surefire-reports/*CollectorFloorBench*
if [ "$floor" -gt 0 ]; then
  ./mvnw -B -q -o -pl chasm-collector -am test -Dtest=CollectorFloorBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dscale.jdbc="$jdbc" -Dscale.mirrors="$mirrors" -Dscale.prefillDays="$prefill" -Dscale.floor="$floor" \
    -Dscale.floorRoll="$roll" -Dscale.floorMemory="$floormem" -Dscale.floorInline="$floorinline" >"$out" 2>&1 || { tail -40 "$out" >&2; echo "collector-scale: the floor run failed" >&2; exit 1; }
  grep -h "collector-scale:" chasm-collector/target/surefire-reports/*CollectorFloorBench-output.txt
  echo "collector-scale: load after: $(cut -d' ' -f1-3 /proc/loadavg); run time ${SECONDS} s"
  exit 0
fi
if ! ./mvnw -B -q -o -pl chasm-collector -am test -Dtest=CollectorScaleBench -Dsurefire.failIfNoSpecifiedTests=false \
    -Dscale.jdbc="$jdbc" -Dscale.mirrors="$mirrors" -Dscale.days="$days" -Dscale.submitters="$submitters" \
    -Dscale.producers="$producers" -Dscale.samples="$samples" -Dscale.prefillDays="$prefill" -Dscale.reuse="$reuse" ${SCALE_ARGLINE:+-DargLine="$SCALE_ARGLINE"} >"$out" 2>&1; then
  tail -40 "$out" >&2
  grep -h "collector-scale:" chasm-collector/target/surefire-reports/*CollectorScaleBench-output.txt >&2 || true
  echo "collector-scale: the run failed (see above)" >&2
  exit 1
fi
grep -h "collector-scale:" chasm-collector/target/surefire-reports/*CollectorScaleBench-output.txt
# The server's side of the same minutes: autovacuums and checkpoints of the whole run, and the
# statements over 100 ms from the start of the timed reads on (UTC, as the samples above).
since=$(grep -ho "collector-scale: measure: started [0-9T:-]*" chasm-collector/target/surefire-reports/*CollectorScaleBench-output.txt \
  | head -1 | awk '{print $4}' | tr T ' ')
echo "collector-scale: server log (autovacuum, checkpoints; reads over 100 ms since $since):"
grep -E "automatic (vacuum|analyze) of table|checkpoint (starting|complete)|duration: " "$work/pg.log" \
  | awk -v since="$since" -v started="$started" 'substr($0, 1, 19) >= (/duration: / ? since : started)' | cut -c1-220 | tail -120 | sed 's/^/  /' || true
psql -q -At -h 127.0.0.1 -p "$port" -U chasm -d collector -F ' ' -c "
  SELECT 'collector-scale: database ' || pg_size_pretty(pg_database_size('collector'))
    || '; rows: stats ' || (SELECT COUNT(*) FROM stats)
    || ', window_sketches ' || (SELECT COUNT(*) FROM window_sketches)
    || ', roll_artifact ' || (SELECT COUNT(*) FROM roll_artifact)
    || ', roll_mirror ' || (SELECT COUNT(*) FROM roll_mirror) || ', roll_project ' || (SELECT COUNT(*) FROM roll_project)"
if [ "$profile" = 1 ]; then
  echo "collector-scale: top statements by server time (pg_stat_statements):"
  psql -q -h 127.0.0.1 -p "$port" -U chasm -d collector -c "
    SELECT calls, round(total_exec_time::numeric / 1000, 1) AS total_s, round(mean_exec_time::numeric, 2) AS mean_ms,
      rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'collector')
    ORDER BY total_exec_time DESC LIMIT 12"
  # The reads' slowest executions: a view's p95 tail is one of its queries' max (the home and
  # project pages run several).
  echo "collector-scale: reads by slowest execution (pg_stat_statements):"
  psql -q -h 127.0.0.1 -p "$port" -U chasm -d collector -c "
    SELECT calls, round(mean_exec_time::numeric, 2) AS mean_ms, round(max_exec_time::numeric, 1) AS max_ms,
      left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS query
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'collector')
      AND query ILIKE 'SELECT%' AND query NOT ILIKE '%pending_rolls%'
    ORDER BY max_exec_time DESC LIMIT 12"
  # The plans of the reads that grow with the data: a project's artifacts over every month
  # (the project page and CSV export), its breakdown by mirror, and its top ten of the last seven
  # days (the home page, once per project).
  months=$(psql -q -At -h 127.0.0.1 -p "$port" -U chasm -d collector -c \
    "SELECT string_agg(DISTINCT period_start::text, ',') FROM roll_project WHERE kind = 4")
  days=$(psql -q -At -h 127.0.0.1 -p "$port" -U chasm -d collector -c \
    "SELECT string_agg(p::text, ',') FROM (SELECT DISTINCT period_start AS p FROM roll_project WHERE kind = 2
       ORDER BY p DESC LIMIT 7) d")
  psql -q -At -h 127.0.0.1 -p "$port" -U chasm -d collector -F ' ' -c "
    SELECT 'collector-scale: index size ' || indexrelname || ' ' || pg_size_pretty(pg_relation_size(indexrelid))
    FROM pg_stat_user_indexes WHERE relname IN ('roll_artifact', 'roll_mirror') ORDER BY indexrelname"
  for q in "SELECT artifact, MIN(type), SUM(downloads), SUM(bytes), SUM(uniq), COUNT(*) OVER () FROM roll_artifact
              WHERE project = 'debian' AND kind = 4 AND period_start IN ($months)
              GROUP BY artifact ORDER BY SUM(downloads) DESC, artifact LIMIT 500" \
           "SELECT m.name, SUM(r.downloads), SUM(r.bytes), SUM(r.uniq) FROM roll_mirror r JOIN mirrors m ON m.id = r.mirror_id
              WHERE r.project = 'debian' AND r.type = '' AND r.protocol = '' AND r.kind = 4 AND r.period_start IN ($months)
              GROUP BY m.name" \
           "SELECT artifact, MIN(type), SUM(downloads), SUM(bytes), SUM(uniq), COUNT(*) OVER () FROM roll_artifact
              WHERE project = 'debian' AND kind = 2 AND period_start IN ($days)
              GROUP BY artifact ORDER BY SUM(downloads) DESC, artifact LIMIT 10"; do
    echo "collector-scale: plan of: $(echo "$q" | tr -s ' \n' ' ' | cut -c1-100)..."
    psql -q -h 127.0.0.1 -p "$port" -U chasm -d collector -c "EXPLAIN (ANALYZE, BUFFERS) $q" | sed 's/^/  /'
  done
fi
echo "collector-scale: load after: $(cut -d' ' -f1-3 /proc/loadavg); run time ${SECONDS} s"

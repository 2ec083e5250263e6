#!/usr/bin/env bash
# Builds the JMH uber jar and runs benchmarks matching an optional regex (default: all), then
# prints chunk+hash throughput as a ratio of plain SHA-256 throughput for each size.
#   bench/jmh.sh                       # everything
#   bench/jmh.sh ChunkHash -wi 1 -i 2  # one benchmark class, shorter run (extra args go to JMH)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -q -B -DskipTests -Dmaven.test.skip=true -pl benchmarks -am package >&2
out="$root/bench/out"
mkdir -p "$out"
json="$out/jmh-$(date +%Y%m%d-%H%M%S).json"
regex="${1:-.}"
shift || true
java -jar benchmarks/target/benchmarks.jar "$regex" -rf json -rff "$json" "$@"
python3 - "$json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))
score = {}
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[-1]
    size = r.get("params", {}).get("size")
    score[(name, size)] = r["primaryMetric"]["score"]
sizes = sorted({s for (_, s) in score if s}, key=int)
for s in sizes:
    c, h = score.get(("chunkAndHash", s)), score.get(("sha256Only", s))
    p = score.get(("chunkAndHashParallel", s))
    if c and h:
        mb = int(s) / 1e6
        print(f"size {int(s):>9} B: chunk+hash {c * mb:8.1f} MB/s, sha256 {h * mb:8.1f} MB/s, "
              f"ratio chunk+hash/sha256 = {c / h:.2f}"
              + (f"; parallel hashing (2 threads) {p * mb:8.1f} MB/s, ratio {p / h:.2f}" if p else ""))
PY

#!/usr/bin/env bash
# Loopback chunk streaming: PeerClient <- PeerServer (framing, protobuf, SHA-256 verification of
# every 256 KiB chunk) against the same bytes through a bare tcp:// or unix:// connection.
# Prints MB/s for both and the ratio protocol/bare. One run; compare within a run only.
#   bench/wire-throughput.sh            # default JMH settings of the benchmark
#   bench/wire-throughput.sh -wi 1 -i 2 # shorter
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./mvnw -q -B -DskipTests -Dmaven.test.skip=true -pl benchmarks -am package >&2
out="$root/bench/out"
mkdir -p "$out"
json="$out/wire-$(date +%Y%m%d-%H%M%S).json"
java -jar benchmarks/target/benchmarks.jar PeerChunkStream -rf json -rff "$json" "$@" >&2
python3 - "$json" <<'PY'
import json, sys
mib = 32 * 1024 * 1024
score = {}
for r in json.load(open(sys.argv[1])):
    name = r["benchmark"].rsplit(".", 1)[-1]
    score[(name, r["params"]["transport"])] = r["primaryMetric"]["score"] * mib / 1e6
for t in ("tcp", "unix"):
    p, b = score.get(("peerProtocol", t)), score.get(("bareTransport", t))
    if p and b:
        print(f"{t:>4}: peer protocol {p:7.0f} MB/s, bare transport {b:7.0f} MB/s, ratio {p / b:.2f}")
PY

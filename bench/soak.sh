#!/usr/bin/env bash
# Soak benchmark: an origin daemon (chasmd oracle peer) and a mirror daemon (chasmd --all) run for
# SECONDS (default 600) while the origin's tree churns and is published continuously and the
# mirror syncs every snapshot. Prints heap after GC (jcmd), open file descriptors and threads of
# both daemons over time, propagation times, and whether the figures stayed flat.
# A 60-second version runs in ./mvnw verify (examples: ChasmdSoakIT).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-600}"
"$root/chasm" --version >/dev/null   # builds the jar if needed
exec java -cp "$root/examples/target/chasm-examples.jar" io.chasm.examples.demo.SoakRun "$seconds"

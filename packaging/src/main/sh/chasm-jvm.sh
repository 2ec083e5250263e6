# shellcheck shell=bash
# The JVM side of every chasm launcher: the repo's ./chasm, the .deb's /usr/bin/chasm and the
# tarball's bin/chasm source this file, so a tuning decision is made once for all three.
# Input variables (set by the caller):
#   chasm_java    the java command
#   chasm_cp      the class path (the application jar and its libraries)
#   chasm_cache   a directory for the class-data-sharing archive, or empty for none
#   chasm_stamp   a file or directory that is newer than the archive when the jars changed
# Invoked as `chasmd` it runs the mirror daemon, else the chasm CLI. JAVA_OPTS adds JVM flags.

# File names are bytes; Java maps them through the locale's charset. Without a UTF-8 locale any
# non-ASCII name could not be indexed, so default to C.UTF-8.
case "${LC_ALL:-${LC_CTYPE:-${LANG:-}}}" in
  *UTF-8* | *utf-8* | *UTF8* | *utf8*) ;;
  *) export LC_ALL=C.UTF-8 ;;
esac

# The index reads stat fields directly when sun.nio.fs is open to it (io.chasm.hashtree.index.Lstat).
opens=(--add-opens java.base/sun.nio.fs=ALL-UNNAMED)

# Class-data sharing keeps start-up near a bare JVM's (Java 17: dump once, then map it). The archive
# is recorded from a small in-process publish/serve/sync (CdsTraining), so it holds what those
# commands load, not only what --version does (a sync then takes 0.2 s less CPU); --version if that fails.
# It is only valid for these jars at these paths, and for one user (another user may not be able
# to rewrite it when the jars change): name it after the class path and the user id.
share=()
if [ -n "${chasm_cache:-}" ]; then
  jsa="$chasm_cache/chasm-$(id -u)-$(printf %s "$chasm_cp" | cksum | cut -d" " -f1).jsa"
  if [ ! -f "$jsa" ] || [ "$chasm_stamp" -nt "$jsa" ]; then
    # Written under a temporary name: a process starting meanwhile never maps half an archive.
    # The training's trees keep their state in a directory of their own, removed after: as root it
    # would otherwise land in /var/lib/chasm/trees, beside the real mirrors' state.
    tmp="$jsa.$$.tmp"
    training_state="$(mktemp -d)"
    { "$chasm_java" "${opens[@]}" -XX:ArchiveClassesAtExit="$tmp" -Xshare:auto -Dchasm.state.home="$training_state" \
        -cp "$chasm_cp" io.chasm.examples.chasm.CdsTraining \
      || "$chasm_java" "${opens[@]}" -XX:ArchiveClassesAtExit="$tmp" -Xshare:auto -cp "$chasm_cp" io.chasm.examples.chasm.ChasmCli --version
    } >/dev/null 2>&1 && [ -f "$tmp" ] && mv -f "$tmp" "$jsa" || rm -f "$tmp"
    rm -rf "$training_state"
  fi
  [ -f "$jsa" ] && share=(-XX:SharedArchiveFile="$jsa" -Xshare:auto)
fi

if [ "$(basename "$0")" = chasmd ]; then
  # shellcheck disable=SC2086
  exec "$chasm_java" "${opens[@]}" "${share[@]}" ${JAVA_OPTS:-} -cp "$chasm_cp" io.chasm.examples.chasmd.Chasmd "$@"
fi

# Tree commands are short batch runs: a serial collector with a small young generation (RSS stays
# near the live index; no GC threads compete with hashing), and C2 kept for the truly hot loops
# (SHA-256, chunking) rather than spent on per-file walk code. JAVA_OPTS still overrides.
tune=()
case "${1:-}" in
  # A small initial heap kept at most 10-20% free: with the default (1/64 of RAM) the old generation
  # only ever grew, so everything promoted stayed resident to the end (issue 17, measured at 1M
  # entries: 409 -> 370 MB peak RSS, cold; full collections instead of none, same CPU-s). With the
  # old generation collected, a 6 MB young generation costs no CPU and 6-14 MB less RSS (issue 17).
  index|publish|verify|diff)
    tune=(-XX:+UseSerialGC -Xmn6m -XX:Tier4InvocationThreshold=100000 -XX:Tier4MinInvocationThreshold=50000
      -XX:Tier4CompileThreshold=120000 -XX:Tier4BackEdgeThreshold=400000)
    case "${JAVA_OPTS:-}" in *-Xms*|*HeapFreeRatio*) ;; *) tune+=(-Xms32m -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=20) ;; esac ;;
  # A sync is mostly I/O and waiting on peers, but it hashes every byte it receives: C1 alone has
  # no SHA-256 intrinsic (measured: SHA was most of the client's CPU in an initial sync). High C2
  # thresholds compile only the truly hot loops, so a no-change sync stays fast (0.66 s vs 0.59 s
  # with C1 only, same machine, same run).
  sync)
    tune=(-XX:+UseSerialGC -XX:Tier4InvocationThreshold=100000 -XX:Tier4MinInvocationThreshold=50000
      -XX:Tier4CompileThreshold=120000 -XX:Tier4BackEdgeThreshold=400000) ;;
  # A scan allocates per step, not per line: the throughput collector costs less CPU than G1
  # (measured: about 1 CPU-s less on 250 MB of combined log, same wall time). High C2 thresholds
  # keep C2 for the per-line loops (C1 alone scans at half the speed) and off the report code
  # (measured on 1 GB of combined log: JIT threads 1.8 instead of 2.6 CPU-s, scan unchanged).
  # --state keeps each step's rows (with sketches) alive until they are spooled, so they are
  # promoted and die old: with the default initial heap (1/64 of RAM) the old generation filled to
  # its initial size before the first full collection (1.56 GB peak RSS on 1 GB of log, issue 15).
  # A serial collector with a small initial heap collects the old generation when it fills and
  # grows it only as the live set needs (measured on the same 1 GB: 0.41 GB, same CPU seconds).
  stats)
    case "${JAVA_OPTS:-}" in *GC*) ;; *) tune=(-XX:+UseSerialGC) ;; esac
    case "${JAVA_OPTS:-}" in *-Xm*) ;; *) tune+=(-Xms64m -Xmn32m) ;; esac
    # The old generation grows to the live set at a step end plus the free ratio (serial default
    # 40-70%); 15-30% keeps it nearer the live set (300 MB slice, --state, w5-A2, three rounds side
    # by side: 468-522 -> 393-418 MiB peak RSS for 1.07-1.12x the CPU-s; docs/stats-agent.md). Two
    # malloc arenas: 0-19 MiB less (within the spread), no cost seen.
    case "${JAVA_OPTS:-}" in *HeapFreeRatio*) ;; *) tune+=(-XX:MinHeapFreeRatio=15 -XX:MaxHeapFreeRatio=30) ;; esac
    # No -Xmx: the live set reaches 214 MiB on 3 GB of one month's log with 55,600 artifacts (the
    # open 206 ranges grow) and 396 MiB on 1 GB with 222,000 paths, so a bound low enough to
    # keep the RSS near 300 MB fails such runs, and one with headroom caps nothing (w8-B). An
    # operator who wants a bound sets it in JAVA_OPTS (docs/stats-agent.md, w7-A and w8-B).
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
    tune+=(-XX:Tier4InvocationThreshold=100000 -XX:Tier4MinInvocationThreshold=50000
      -XX:Tier4CompileThreshold=120000 -XX:Tier4BackEdgeThreshold=400000) ;;
esac

# shellcheck disable=SC2086
exec "$chasm_java" "${opens[@]}" "${share[@]}" "${tune[@]}" ${JAVA_OPTS:-} -cp "$chasm_cp" io.chasm.examples.chasm.ChasmCli "$@"

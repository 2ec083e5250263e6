package io.chasm.examples.common;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every {@code chasm} and {@code chasmd} command, and the one table their help
 * shows ({@link #help}): 0 success; 1 the check the command performs failed (e.g. a tree does not
 * verify); 2 usage, configuration or I/O error, with a one-line message on stderr that says what to
 * do next; 3 to 5 for the commands that give them a meaning of their own.
 */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int FAILED_CHECK = 1;
  public static final int ERROR = 2;
  /** {@code verify-proof}: the file is not a proof of equivocation (malformed, or no conflict in it). */
  public static final int NOT_A_PROOF = 3;
  /** {@code get}, {@code metalink}: a path is not a regular file of the snapshot. */
  public static final int NOT_IN_TREE = 3;
  /** {@code verify-proof}: an envelope of the proof is not validly signed by the trusted keys. */
  public static final int BAD_SIGNATURE = 4;
  /** {@code sync}, {@code status}: the origin key signed two snapshots with one sequence; a proof was written or held. */
  public static final int EQUIVOCATION = 5;

  private static final String USAGE = "usage, configuration or I/O error (one line on stderr says what to do next)";

  /**
   * The codes a command gives beyond 0 and 2, by its qualified name (as picocli spells it: "chasm
   * stats submit"). A command not listed exits 0 or 2 only; one that sets its own meaning of 0 or 2
   * lists it too. Kept here, beside the constants, so help and code cannot drift apart.
   */
  private static final Map<String, String[]> SPECIFIC = Map.ofEntries(
      Map.entry("chasm sync", new String[] {
          "1", "an upstream failed verification or broke the protocol (typed error named; DEST unchanged)",
          "5", "equivocation: the origin key signed two snapshots with one sequence (proof written; see chasm verify-proof)"}),
      Map.entry("chasm verify", new String[] {"1", "DIR does not match its latest signed snapshot, or the snapshot fails --trust"}),
      Map.entry("chasm get", new String[] {
          "0", "written",
          "1", "no source sent verified data (bad signature, tampered tree or chunk)",
          "2", USAGE + "; unreachable sources or content no source holds",
          "3", "PATH is not a regular file of the snapshot"}),
      Map.entry("chasm metalink", new String[] {
          "1", "a live file no longer holds the snapshot's bytes (publish again)",
          "3", "a FILE is not in the snapshot"}),
      Map.entry("chasm status", new String[] {
          "0", "reported",
          "1", "the head fails --trust",
          "2", USAGE + "; the mirror is unreachable",
          "5", "the mirror holds an equivocation proof"}),
      Map.entry("chasm verify-proof", new String[] {
          "0", "a valid proof of equivocation",
          "3", "not a proof (malformed, or no conflict in it)",
          "4", "bad signature (an envelope not signed as --trust requires)"}),
      Map.entry("chasm stats scan", new String[] {"2", USAGE + "; also when a log could not be read (the others are counted)"}),
      Map.entry("chasm stats submit", new String[] {"1", "the collector refused a batch (moved to SPOOL/rejected) or submission stopped"}),
      Map.entry("chasm demo", new String[] {"1", "a step did not behave as expected (see its output)"}),
      Map.entry("chasmd", new String[] {"0", "stopped cleanly (SIGTERM or SIGINT)", "2", "bad configuration or a role could not start"}));

  private ExitCodes() {}

  /** The exit codes of the command named {@code qualifiedName}, in order, each with its meaning, for its help. */
  public static Map<String, String> help(String qualifiedName) {
    Map<Integer, String> byCode = new java.util.TreeMap<>();
    byCode.put(OK, "success");
    byCode.put(ERROR, USAGE);
    String[] own = SPECIFIC.getOrDefault(qualifiedName, new String[0]);
    for (int i = 0; i < own.length; i += 2) {
      byCode.put(Integer.parseInt(own[i]), own[i + 1]);
    }
    Map<String, String> out = new LinkedHashMap<>();
    byCode.forEach((code, meaning) -> out.put(" " + code, meaning));
    return out;
  }
}

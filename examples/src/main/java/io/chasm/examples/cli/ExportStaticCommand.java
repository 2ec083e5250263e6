package io.chasm.examples.cli;

import io.chasm.examples.common.ExitCodes;
import io.chasm.hashtree.export.StaticExport;
import io.chasm.hashtree.tree.ExportLayout;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code chasm export-static DIR}: writes DIR's latest signed snapshot and its trees and file
 * manifests into DIR/.chasm-export/ (SPEC §12), so a plain web mirror of DIR is a sync source.
 */
@Command(name = "export-static",
    description = "Write DIR's latest signed snapshot and manifests into DIR/" + ExportLayout.DIR
        + "/, so any HTTP(S) mirror of DIR can serve as a source (chasm sync http://mirror/DIR/ ...).")
public final class ExportStaticCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DIR", description = "published tree (after chasm publish or chasm sync)")
  Path dir;

  @Mixin StateOptions state;

  @Option(names = "--json", description = "print JSON")
  boolean json;

  @Option(names = "--no-prune", description = "keep the objects of every earlier export (default: remove those that neither"
      + " this head nor the one it replaces names, SPEC 12.3)")
  boolean noPrune;

  @Override
  public Integer call() throws Exception {
    StaticExport.Result r = StaticExport.export(dir, state.stateFor(dir), !noPrune);
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sequence", r.sequence());
      m.put("snapshot", r.snapshot().toString());
      m.put("objects", r.objects());
      m.put("written", r.written());
      m.put("removed", r.removed());
      m.put("path", ExportLayout.DIR);
      System.out.println(StateOptions.json(m));
    } else {
      System.out.println("exported snapshot " + r.sequence() + " " + r.snapshot() + " to " + dir.resolve(ExportLayout.DIR));
      System.out.println("objects  " + r.objects() + " (" + r.written() + " new, " + r.removed() + " of older heads removed)");
    }
    return ExitCodes.OK;
  }
}

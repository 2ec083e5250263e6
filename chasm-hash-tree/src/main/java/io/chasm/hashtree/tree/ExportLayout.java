package io.chasm.hashtree.tree;

import io.chasm.api.ObjectId;
import io.chasm.api.ObjectKind;

/**
 * Where a static export lives inside a tree (SPEC §12): one top-level directory that the indexer
 * and a sync's unknown-entry check leave alone, so the export is never part of the snapshot it
 * describes, yet an rsync or a web server carrying the whole tree carries it too. Paths are
 * relative to the tree root, {@code /}-separated, so they serve as URL paths as they are.
 */
public final class ExportLayout {
  /** The export directory's name at the tree root. */
  public static final String DIR = ".chasm-export";
  /** The signed head: the snapshot envelope exactly as signed (SPEC §5). */
  public static final String HEAD = DIR + "/head";

  private ExportLayout() {}

  /** True if {@code topLevelName} is the export directory (compared as it appears at the tree root). */
  public static boolean isExportDir(String topLevelName) {
    return DIR.equals(topLevelName);
  }

  /**
   * The path of a tree or file manifest: {@code .chasm-export/objects/<kind>/<hh>/<hex>}, with
   * {@code hex} the lowercase hex of its id's hash and {@code hh} its first two characters.
   *
   * @throws IllegalArgumentException for another kind (none is exported)
   */
  public static String objectPath(ObjectId id) {
    String kind = switch (id.kind()) {
      case TREE -> "tree";
      case FILE -> "file";
      default -> throw new IllegalArgumentException("not an exported object kind: " + id);
    };
    String hex = id.hash().hex();
    return DIR + "/objects/" + kind + "/" + hex.substring(0, 2) + "/" + hex;
  }

  /** The kinds of object an export holds. */
  public static boolean exported(ObjectKind kind) {
    return kind == ObjectKind.TREE || kind == ObjectKind.FILE;
  }
}

package io.chasm.collector.internal.web;

import io.chasm.collector.StatsReader.ArtifactRow;

/** Rows the templates show that the read model does not have as such. */
public final class Views {
  private Views() {}

  /** An artifact of the week's top list with the project it belongs to. */
  public record TopRow(String project, ArtifactRow row) {}
}

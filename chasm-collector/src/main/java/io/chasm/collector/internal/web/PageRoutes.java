package io.chasm.collector.internal.web;

import io.chasm.collector.CollectorStore;
import io.javalin.Javalin;

/** The website: server-rendered HTML pages with charts drawn as inline SVG. */
public final class PageRoutes {
  private final CollectorStore store;

  public PageRoutes(CollectorStore store) {
    this.store = store;
  }

  public void register(Javalin app) {
    app.get("/", ctx -> ctx.html("<!doctype html><title>CHASM collector</title><h1>CHASM collector</h1>"));
  }
}

package io.chasm.collector.internal.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Renders the precompiled templates of {@code src/main/jte} (classes generated at build time by
 * jte-maven-plugin). The engine runs in HTML mode, so every {@code ${value}} a template prints is
 * escaped for where it stands (text or attribute); only {@code $unsafe{...}}, which no template
 * uses, would print raw text.
 */
final class Pages {
  private static final TemplateEngine ENGINE =
      TemplateEngine.createPrecompiled(null, ContentType.Html, null, "io.chasm.collector.internal.web.pages");

  private Pages() {}

  /** The page {@code template} (e.g. "home.jte") with {@code params} as the response body. */
  static void render(Context ctx, int status, String template, Map<String, Object> params) {
    ctx.status(status).html(render(template, params));
  }

  static String render(String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    ENGINE.render(template, params, out);
    return out.toString();
  }

  /** An error page: "Bad request" or "Unavailable" with the message and a way home. */
  static void error(Context ctx, int status, String message) {
    render(ctx, status, "error.jte", Map.of("status", status, "message", message));
  }
}

package dev.flowagg.node.metrics;

import java.util.Set;

/** The route template a request path belongs to: the {@code route} label, bounded to the node's routes. */
public final class RouteLabel {

  /** Every path the node serves; anything else (a 404) is {@link #OTHER}. */
  public static final Set<String> ROUTES =
      Set.of(
          "/", "/console/{asset}", "/flows", "/totals", "/flowlogs", "/ingest/stats", "/cluster", "/health/alive",
          "/health/ready", "/metrics");

  public static final String OTHER = "other";

  private RouteLabel() {}

  /** The template for this path; a trailing slash is not the same route (the router answers it 404 too). */
  public static String of(String path) {
    if (path.startsWith("/console/")) {
      return "/console/{asset}";
    }
    return ROUTES.contains(path) ? path : OTHER;
  }
}

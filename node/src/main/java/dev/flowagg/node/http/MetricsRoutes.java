package dev.flowagg.node.http;

import dev.flowagg.node.metrics.ClusterCollector;
import dev.flowagg.node.metrics.NodeMetrics;
import java.time.Duration;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /metrics}: every metric of this node in the Prometheus text format. A route of its own, to guard. */
public final class MetricsRoutes extends AllDirectives {

  // Sharding is asked for this node's shards before each scrape; a slow answer must not stall the scraper.
  private static final Duration SHARDING_TIMEOUT = Duration.ofSeconds(3);

  private final NodeMetrics metrics;
  private final ClusterCollector cluster;

  public MetricsRoutes(NodeMetrics metrics, ClusterCollector cluster) {
    this.metrics = metrics;
    this.cluster = cluster;
  }

  public Route routes() {
    return path(
        "metrics",
        () ->
            concat(
                get(() -> completeWithFuture(cluster.refresh(SHARDING_TIMEOUT).thenApply(v -> scrape()))),
                RouteFallbacks.methodNotAllowed("GET")));
  }

  private HttpResponse scrape() {
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, metrics.scrapeText()));
  }
}

package dev.flowagg.node.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Requests served, by route template, method and status, and how long they took. */
public final class HttpMetrics {

  private final Counter requests;
  private final Histogram duration;

  HttpMetrics(PrometheusRegistry registry) {
    requests =
        Counter.builder()
            .name("flowagg_http_requests_total")
            .help("HTTP requests answered, by route template, method and status code")
            .labelNames("route", "method", "status")
            .register(registry);
    duration =
        Histogram.builder()
            .name("flowagg_http_request_duration_seconds")
            .help("Time from receiving an HTTP request to its response, by route template and method")
            .labelNames("route", "method")
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
            .register(registry);
  }

  /** Counts one answered request; {@code route} is a template from {@link RouteLabel}, never a raw path. */
  public void observe(String route, String method, int status, long nanos) {
    requests.labelValues(route, method, Integer.toString(status)).inc();
    duration.labelValues(route, method).observe(nanos / 1e9);
  }
}

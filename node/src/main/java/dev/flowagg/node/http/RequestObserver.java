package dev.flowagg.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.node.logging.AccessLog;
import dev.flowagg.node.logging.BadInputLog;
import dev.flowagg.node.logging.LogText;
import dev.flowagg.node.logging.WarningThrottle;
import dev.flowagg.node.metrics.HttpMetrics;
import dev.flowagg.node.metrics.RouteLabel;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;

/**
 * Wraps every route: counts and times each request by route template, writes its access-log line, and warns about
 * bad input (400, 413, 415, 422) at most once per interval per client. It wraps {@link RouteSafety}, which turns
 * failures and rejections into responses, so those are counted and logged like any other.
 */
public final class RequestObserver extends AllDirectives {

  private static final Logger badInput = BadInputLog.log;
  private static final Set<Integer> BAD_INPUT = Set.of(400, 413, 415, 422);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpMetrics metrics;
  private final WarningThrottle throttle;

  public RequestObserver(HttpMetrics metrics, Duration warningInterval) {
    this.metrics = metrics;
    this.throttle = new WarningThrottle(warningInterval);
  }

  public Route observe(Route inner) {
    return extractRequest(
        request -> {
          long started = System.nanoTime();
          return mapResponse(
              response -> {
                answered(request, response, started);
                return response;
              },
              () -> inner);
        });
  }

  private void answered(HttpRequest request, HttpResponse response, long started) {
    long nanos = System.nanoTime() - started;
    String method = request.method().value();
    String path = request.getUri().path();
    int status = response.status().intValue();
    String client = clientOf(request);
    metrics.observe(RouteLabel.of(path), method, status, nanos);
    AccessLog.request(method, path, status, nanos, client);
    if (BAD_INPUT.contains(status)) {
      long suppressed = throttle.admit(client, System.nanoTime());
      if (suppressed >= 0) {
        badInput.warn(
            "bad input from {}: {} {} answered {}: {}{}",
            client, method, LogText.printable(path, 512), status, errorOf(response),
            suppressed == 0
                ? ""
                : " (" + suppressed + " more from this client in the last " + throttle.interval().toSeconds() + " s)");
      }
    }
  }

  /** The direct peer (X-Forwarded-For is not trusted: a client could pick its own rate-limit key). */
  private static String clientOf(HttpRequest request) {
    return request
        .getAttribute(AttributeKeys.remoteAddress)
        .flatMap(RemoteAddress::getAddress)
        .map(a -> a.getHostAddress())
        .orElse("unknown");
  }

  /** The {@code error} of a JSON error body, for the warning; never the request's body. */
  private static String errorOf(HttpResponse response) {
    if (response.entity() instanceof HttpEntity.Strict strict) {
      try {
        JsonNode error = JSON.readTree(strict.getData().toArray()).path("error");
        if (error.isTextual()) {
          return LogText.printable(error.asText(), 300);
        }
      } catch (IOException e) {
        return "(no JSON error body)";
      }
    }
    return "(no JSON error body)";
  }
}

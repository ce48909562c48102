package dev.flowagg.node.http;

import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code GET /health/alive} (the process runs) and {@code GET /health/ready} (it can serve POST and GET). */
public final class HealthRoutes extends AllDirectives {

  private final Readiness readiness;

  public HealthRoutes(Readiness readiness) {
    this.readiness = readiness;
  }

  public Route routes() {
    return pathPrefix(
        "health",
        () ->
            concat(
                path("alive", () -> getOnly(() -> JsonBodies.json(StatusCodes.OK, Map.of("status", "alive")))),
                path("ready", () -> getOnly(this::readyResponse))));
  }

  private HttpResponse readyResponse() {
    String waiting = readiness.waitingFor();
    return waiting == null
        ? JsonBodies.json(StatusCodes.OK, Map.of("status", "ready"))
        : JsonBodies.json(StatusCodes.SERVICE_UNAVAILABLE, Map.of("status", "not ready", "waiting_for", waiting));
  }

  private Route getOnly(java.util.function.Supplier<HttpResponse> response) {
    return concat(get(() -> extractRequest(r -> complete(response.get()))), RouteFallbacks.methodNotAllowed("GET"));
  }
}

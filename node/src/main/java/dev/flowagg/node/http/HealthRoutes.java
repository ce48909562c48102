package dev.flowagg.node.http;

import java.util.Map;
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
                path(
                    "alive",
                    () ->
                        concat(
                            get(() -> complete(JsonBodies.json(StatusCodes.OK, Map.of("status", "alive")))),
                            RouteFallbacks.methodNotAllowed("GET"))),
                path(
                    "ready",
                    () ->
                        concat(
                        get(
                            () -> {
                              String waiting = readiness.waitingFor();
                              return waiting == null
                                  ? complete(JsonBodies.json(StatusCodes.OK, Map.of("status", "ready")))
                                  : complete(
                                      JsonBodies.json(
                                          StatusCodes.SERVICE_UNAVAILABLE,
                                          Map.of("status", "not ready", "waiting_for", waiting)));
                            }),
                        RouteFallbacks.methodNotAllowed("GET"))));
  }
}

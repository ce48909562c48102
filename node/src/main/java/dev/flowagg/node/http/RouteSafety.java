package dev.flowagg.node.http;

import java.nio.charset.StandardCharsets;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What stands around every route: a stopping node refuses new requests (503), and no answer is ever Pekko's plain
 * text — an exception, a rejection or Pekko's own request timeout all become the JSON error body.
 */
public final class RouteSafety {

  private static final Logger log = LoggerFactory.getLogger(RouteSafety.class);
  private static final AllDirectives D = new AllDirectives() {};

  private RouteSafety() {}

  public static Route around(Route routes, Readiness readiness) {
    return D.handleExceptions(
        ExceptionHandler.newBuilder()
            .match(
                Throwable.class,
                t -> {
                  log.error("request failed", t);
                  return D.complete(BatchWrites.unavailable("the node failed to handle the request"));
                })
            .build(),
        () ->
            D.handleRejections(
                RejectionHandler.defaultHandler().mapRejectionResponse(RouteSafety::asJson),
                () ->
                    D.withRequestTimeoutResponse(
                        request -> BatchWrites.unavailable("the request took longer than the server's limit"),
                        () -> refusedWhileStopping(routes, readiness))));
  }

  /** Health answers go on while stopping (readiness is 503 then); everything else is refused. */
  private static Route refusedWhileStopping(Route routes, Readiness readiness) {
    return D.extractUri(
        uri ->
            readiness.isStopping() && !uri.path().startsWith("/health/")
                ? D.complete(
                    JsonBodies.error(
                        StatusCodes.SERVICE_UNAVAILABLE,
                        "the node is shutting down; nothing was applied: send the request to another node",
                        RawHeader.create("Retry-After", "1")))
                : routes);
  }

  /** A rejection's plain-text answer as the JSON error body, same status and headers. */
  private static HttpResponse asJson(HttpResponse response) {
    if (response.entity() instanceof HttpEntity.Strict strict
        && strict.getContentType().mediaType().equals(MediaTypes.TEXT_PLAIN)) {
      return JsonBodies.error(response.status(), strict.getData().decodeString(StandardCharsets.UTF_8))
          .addHeaders(response.getHeaders());
    }
    return response;
  }
}

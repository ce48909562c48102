package dev.flowagg.node.http;

import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** The JSON answers for a path that doesn't exist (404) and a method a path doesn't take (405). */
public final class RouteFallbacks {

  private static final AllDirectives D = new AllDirectives() {};

  private RouteFallbacks() {}

  public static Route methodNotAllowed(String allowed) {
    return D.extractMethod(
        method ->
            D.complete(
                JsonBodies.error(
                    StatusCodes.METHOD_NOT_ALLOWED,
                    "method " + method.value() + " is not allowed here; allowed: " + allowed,
                    RawHeader.create("Allow", allowed))));
  }

  public static Route notFound() {
    return D.extractUri(
        uri -> D.complete(JsonBodies.error(StatusCodes.NOT_FOUND, "no such resource: " + uri.path())));
  }
}

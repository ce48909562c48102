package dev.flowagg.node.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpCharsets;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web console: {@code GET /} is its page and {@code GET /console/{asset}} its scripts and styles, all read from
 * the jar once at start (the chart library from its WebJar). The page holds no data; it reads the API like any client.
 */
public final class ConsoleRoutes extends AllDirectives {

  private static final ContentType JAVASCRIPT = MediaTypes.APPLICATION_JAVASCRIPT.toContentType(HttpCharsets.UTF_8);
  private static final ContentType CSS = MediaTypes.TEXT_CSS.toContentType(HttpCharsets.UTF_8);
  // Scripts and styles only from this node, no inline script, no framing: the page cannot be made to leak a token.
  private static final String POLICY =
      "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

  /** One file the console serves. */
  private record Asset(byte[] bytes, ContentType type) {}

  private final Asset page;
  private final Map<String, Asset> assets;

  public ConsoleRoutes() {
    String uplot = "META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/";
    this.page = asset("console/index.html", ContentTypes.TEXT_HTML_UTF8);
    this.assets =
        Map.of(
            "app.js", asset("console/app.js", JAVASCRIPT),
            "app.css", asset("console/app.css", CSS),
            "lib/uPlot.iife.min.js", asset(uplot + "uPlot.iife.min.js", JAVASCRIPT),
            "lib/uPlot.min.css", asset(uplot + "uPlot.min.css", CSS));
  }

  public Route routes() {
    return concat(
        pathSingleSlash(() -> getOnly(page)),
        pathPrefix(
            "console",
            () ->
                extractUnmatchedPath(
                    rest -> {
                      Asset asset = assets.get(rest.startsWith("/") ? rest.substring(1) : rest);
                      return asset == null ? RouteFallbacks.notFound() : getOnly(asset);
                    })));
  }

  private Route getOnly(Asset asset) {
    return concat(get(() -> complete(response(asset))), RouteFallbacks.methodNotAllowed("GET"));
  }

  private static HttpResponse response(Asset asset) {
    return HttpResponse.create()
        .withStatus(StatusCodes.OK)
        .withEntity(asset.type(), asset.bytes())
        .addHeader(RawHeader.create("Content-Security-Policy", POLICY))
        .addHeader(RawHeader.create("X-Content-Type-Options", "nosniff"))
        // The assets change with the jar; a reload after an upgrade must not mix old and new.
        .addHeader(RawHeader.create("Cache-Control", "no-cache"));
  }

  private static Asset asset(String resource, ContentType type) {
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks the console's " + resource);
      }
      return new Asset(in.readAllBytes(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The version of a WebJar on the class path: its files live under a folder named by it. */
  private static String webJarVersion(String artifact) {
    String resource = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
    try (InputStream in = ConsoleRoutes.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the jar lacks the WebJar " + artifact);
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

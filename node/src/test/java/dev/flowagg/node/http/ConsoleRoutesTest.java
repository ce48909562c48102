package dev.flowagg.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.InProcessNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code GET /} and {@code GET /console/{asset}}: the console's page and files, from the class path, no token. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleRoutesTest {

  private InProcessNode node;
  private HttpApi http;

  @BeforeAll
  void start() {
    // Read tokens on: the page and its files stay open, the data behind them does not.
    node = InProcessNode.start(Map.of("flowagg.security.read-tokens", "console-test-token"));
    http = node.http;
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void theRootIsTheConsolePage() {
    HttpResponse<String> page = http.get("/");

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=UTF-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
        policy -> assertThat(policy).contains("default-src 'self'"));
    assertThat(page.body())
        .contains("<title>flowagg console</title>")
        .contains("/console/app.js")
        .contains("/console/lib/uPlot.iife.min.js");
  }

  @Test
  void assetsAreServedWithTheirContentTypes() {
    Map<String, String> types =
        Map.of(
            "/console/app.js", "application/javascript; charset=UTF-8",
            "/console/app.css", "text/css; charset=UTF-8",
            "/console/lib/uPlot.iife.min.js", "application/javascript; charset=UTF-8",
            "/console/lib/uPlot.min.css", "text/css; charset=UTF-8");
    types.forEach(
        (path, type) -> {
          HttpResponse<String> asset = http.get(path);
          assertThat(asset.statusCode()).as(path).isEqualTo(200);
          assertThat(asset.headers().firstValue("Content-Type")).as(path).hasValue(type);
          assertThat(asset.body()).as(path).isNotEmpty();
        });
    assertThat(http.get("/console/lib/uPlot.iife.min.js").body()).contains("uPlot");
  }

  @Test
  void anUnknownAssetIsAJson404() {
    for (String path : new String[] {"/console/nope.js", "/console/", "/console/../flowagg.conf", "/index.html"}) {
      HttpResponse<String> missing = http.get(path);

      assertThat(missing.statusCode()).as(path).isIn(401, 404);
      assertThat(missing.headers().firstValue("Content-Type")).as(path).hasValue("application/json");
      assertThat(missing.body()).as(path).startsWith("{\"error\":");
    }
    assertThat(http.get("/console/nope.js").statusCode()).isEqualTo(404);
  }

  @Test
  void theDataTheConsoleReadsStillNeedsAToken() {
    assertThat(http.get("/totals?from=0").statusCode()).isEqualTo(401);
    assertThat(http.get("/cluster").statusCode()).isEqualTo(401);
  }

  @Test
  void theConsoleTakesOnlyGet() {
    HttpResponse<String> post = http.post("/", "text/plain", "x");

    // A POST is a write; writes are open on this node, so the route itself answers.
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");
  }
}

package dev.flowagg.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.ConsoleBrowser;
import dev.flowagg.node.testing.NodeProcess;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * A measurement, not a check of behaviour, so it runs only when asked ({@code -Dconsole.first-paint=true}): how long
 * the console takes from navigation to its first drawn chart of a 24-hour view over 10 000 tuples, on a node's first
 * such view (cold) and the next (warm). Target: 1 s.
 */
@EnabledIfSystemProperty(named = "console.first-paint", matches = "true")
class ConsoleFirstPaintIT {

  private static final int TUPLES = 10_000;
  private static final int HOURS = 24;
  private static final int BATCH = 10_000;

  @TempDir Path dir;

  @Test
  void aDayOverTenThousandTuplesIsDrawnWithinASecond() {
    long now = Instant.now().getEpochSecond() / 3600;
    try (NodeProcess node = NodeProcess.configure(dir.resolve("data"), Map.of("FLOWAGG_NETFLOW_PORT", "0")).start();
        ConsoleBrowser browser = ConsoleBrowser.open()) {
      List<String> batch = new ArrayList<>();
      for (long hour = now - HOURS + 1; hour <= now; hour++) {
        for (int t = 0; t < TUPLES; t++) {
          // 500 sources x 20 destinations: 10 000 tuples, each with bytes in every hour of the day.
          batch.add("{\"src_app\":\"app-" + t % 500 + "\",\"dest_app\":\"svc-" + t / 500 + "\",\"vpc_id\":\"vpc-a\","
              + "\"bytes_tx\":" + (100 + t) + ",\"bytes_rx\":" + (300 + t) + ",\"hour\":" + hour + "}");
          if (batch.size() == BATCH) {
            assertThat(node.http.postJson("/flows", "[" + String.join(",", batch) + "]").statusCode()).isEqualTo(200);
            batch.clear();
          }
        }
      }

      long cold = firstPaint(browser, node);
      long warm = firstPaint(browser, node);
      System.out.println("console_first_paint_ms cold=" + cold + " warm=" + warm + "; GET /totals (ms): "
          + browser.driver.executeScript("return performance.getEntriesByType('resource')"
              + ".filter(e => e.name.includes('/totals')).map(e => Math.round(e.duration)).join(', ')"));
      browser.screenshot("first-paint");
      // The first load after the node started also pays for its cold JIT and an empty query cache (bench/README.md).
      assertThat(warm).isLessThan(1000);
    }
  }

  /** Milliseconds from navigation start to the chart's first draw, as the page records it. */
  private static long firstPaint(ConsoleBrowser browser, NodeProcess node) {
    browser.driver.get("about:blank");
    browser.driver.get(node.http.base() + "/?range=24h");
    browser.wait.until(d -> d.findElement(org.openqa.selenium.By.tagName("body")).getDomAttribute("data-first-paint")
        != null);
    return Long.parseLong(browser.driver.findElement(org.openqa.selenium.By.tagName("body"))
        .getDomAttribute("data-first-paint"));
  }
}

package dev.flowagg.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.ConsoleBrowser;
import dev.flowagg.node.testing.NodeProcess;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The console in a real browser against a node run from the jar: known flows appear in the chart and the table, a
 * filter and a range change them, and the URL brings the same view back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleBrowserIT {

  // Hours since the epoch: three tuples in the last 24 hours, one four days back (inside 7 days only).
  private static final long NOW = Instant.now().getEpochSecond() / 3600;

  private NodeProcess node;
  private ConsoleBrowser browser;

  @BeforeAll
  void start(@TempDir Path dir) {
    node = NodeProcess.configure(dir.resolve("data"), Map.of("FLOWAGG_NETFLOW_PORT", "0")).start();
    String flows = "[" + String.join(",",
        flow("web", "db", "vpc-a", 1000, 5000, NOW - 2),
        flow("web", "cache", "vpc-a", 300, 700, NOW - 1),
        flow("batch", "db", "vpc-b", 20, 4000, NOW - 3),
        flow("archive", "db", "vpc-b", 9, 11, NOW - 100)) + "]";
    assertThat(node.http.postJson("/flows", flows).statusCode()).isEqualTo(200);
    browser = ConsoleBrowser.open();
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    node.close();
  }

  private static String flow(String src, String dst, String vpc, long tx, long rx, long hour) {
    return "{\"src_app\":\"" + src + "\",\"dest_app\":\"" + dst + "\",\"vpc_id\":\"" + vpc + "\",\"bytes_tx\":" + tx
        + ",\"bytes_rx\":" + rx + ",\"hour\":" + hour + "}";
  }

  @Test
  void chartAndTableShowThePostedTotals() {
    open("/?range=24h");

    assertThat(talkers()).containsExactly(
        "web db vpc-a 1,000 5,000 6,000", "batch db vpc-b 20 4,000 4,020", "web cache vpc-a 300 700 1,000");
    // Over the whole range, per src_app (the chart's groups): web sums both of its tuples.
    assertThat(hoverRows()).containsExactly("web 1,300 5,700", "batch 20 4,000");
    // Two groups, each drawn as tx above the axis and rx below.
    assertThat((Long) browser.driver.executeScript("return flowaggConsole.chart.series.length")).isEqualTo(5L);

    hoverHour(NOW - 2);
    browser.wait.until(d -> caption().startsWith(Instant.ofEpochSecond((NOW - 2) * 3600).toString().substring(0, 16)
        .replace('T', ' ')));
    assertThat(hoverRows()).containsExactly("web 1,000 5,000", "batch 0 0");
    assertThat(browser.driver.findElement(By.id("node-version")).getText()).startsWith("version ");
    assertThat(browser.driver.findElement(By.cssSelector("#members-table tbody")).getText()).contains("Up");
    browser.screenshot("chart-and-table");
  }

  @Test
  void aFilterAndARangeChangeWhatIsShown() {
    open("/?range=24h");

    filter("src_app", "batch");
    browser.wait.until(d -> talkers().equals(List.of("batch db vpc-b 20 4,000 4,020")));
    assertThat(hoverRows()).containsExactly("batch 20 4,000");
    assertThat(browser.driver.getCurrentUrl()).contains("src_app=batch");
    browser.screenshot("filtered-by-src_app");

    browser.driver.findElement(By.id("clear-filters")).click();
    browser.wait.until(d -> talkers().size() == 3);
    browser.driver.findElement(By.cssSelector("#presets button[data-range='7d']")).click();
    browser.wait.until(d -> talkers().contains("archive db vpc-b 9 11 20"));
    assertThat(browser.driver.getCurrentUrl()).contains("range=7d");

    // A custom range holding only the hour of the batch flow.
    setInput("from", hourInput(NOW - 3));
    setInput("to", hourInput(NOW - 2));
    browser.driver.findElement(By.cssSelector("#custom-range button")).click();
    browser.wait.until(d -> talkers().equals(List.of("batch db vpc-b 20 4,000 4,020")));
    assertThat(browser.driver.getCurrentUrl()).doesNotContain("range=").contains("from=").contains("to=");
    browser.screenshot("custom-range");
  }

  @Test
  void clickingATalkerFiltersByItAndTheUrlRestoresTheView() {
    open("/?range=24h&dim=dest_app&sort=tx");

    // By tx, web -> cache (300) comes before batch -> db (20); by total after it (1 000 against 4 020).
    assertThat(talkers()).containsExactly(
        "web db vpc-a 1,000 5,000 6,000", "web cache vpc-a 300 700 1,000", "batch db vpc-b 20 4,000 4,020");
    browser.driver.findElement(By.cssSelector("#talkers-table th button[data-sort='total']")).click();
    browser.wait.until(d -> talkers().get(1).startsWith("batch"));
    browser.driver.findElement(By.cssSelector("#talkers-table th button[data-sort='tx']")).click();
    browser.wait.until(d -> talkers().get(1).startsWith("web cache"));
    browser.driver.findElement(By.xpath("//table[@id='talkers-table']//td[text()='cache']")).click();
    browser.wait.until(d -> talkers().equals(List.of("web cache vpc-a 300 700 1,000")));
    assertThat(hoverRows()).containsExactly("cache 300 700");
    String shared = browser.driver.getCurrentUrl();
    assertThat(shared).contains("src_app=web", "dest_app=cache", "vpc_id=vpc-a", "dim=dest_app", "sort=tx");

    browser.driver.navigate().refresh();
    awaitTalkers();
    assertThat(talkers()).containsExactly("web cache vpc-a 300 700 1,000");
    assertThat(browser.driver.findElement(By.id("filter-dest_app")).getDomProperty("value")).isEqualTo("cache");
    assertThat(browser.driver.findElement(By.id("dimension")).getDomProperty("value")).isEqualTo("dest_app");

    // The same URL in a fresh page, as someone it was sent to opens it.
    browser.driver.get("about:blank");
    browser.driver.get(shared);
    awaitTalkers();
    assertThat(talkers()).containsExactly("web cache vpc-a 300 700 1,000");
    assertThat(hoverRows()).containsExactly("cache 300 700");
    browser.screenshot("restored-from-url");
  }

  private void open(String path) {
    browser.driver.get(node.http.base() + path);
    awaitTalkers();
  }

  private void awaitTalkers() {
    browser.wait.until(d -> !talkers().isEmpty() && !hoverRows().isEmpty());
  }

  /** The top-talkers table, one line per row, cells joined by a space. */
  private List<String> talkers() {
    return rowsOf("#talkers-table tbody tr");
  }

  /** The table under the chart: per group, its tx and rx at the hovered bucket (or over the whole range). */
  private List<String> hoverRows() {
    return rowsOf("#chart-hover tbody tr");
  }

  /** Read in one script, so a table redrawn meanwhile is never half read. */
  @SuppressWarnings("unchecked")
  private List<String> rowsOf(String selector) {
    List<String> rows = (List<String>) browser.driver.executeScript(
        "return [...document.querySelectorAll(arguments[0])]"
            + ".map(row => [...row.cells].map(cell => cell.textContent).join(' '))", selector);
    return rows.stream().filter(text -> !text.startsWith("No traffic")).toList();
  }

  private String caption() {
    return browser.driver.findElement(By.cssSelector("#chart-hover caption")).getText();
  }

  /** Moves the mouse over the chart a quarter into an hour's step (nearer its start than the next), as a person would. */
  private void hoverHour(long hour) {
    WebElement over = browser.driver.findElement(By.cssSelector("#chart .u-over"));
    Number left = (Number) browser.driver.executeScript(
        "const u = flowaggConsole.chart, a = u.valToPos(arguments[0], 'x'); "
            + "return a + (u.valToPos(arguments[0] + 3600, 'x') - a) / 4",
        hour * 3600);
    int x = (int) Math.round(left.doubleValue() - over.getRect().getWidth() / 2.0);
    new Actions(browser.driver).moveToElement(over, x, 0).perform();
  }

  private void filter(String dimension, String value) {
    WebElement input = browser.driver.findElement(By.id("filter-" + dimension));
    input.clear();
    input.sendKeys(value);
    browser.driver.findElement(By.cssSelector("#filter-form button[type='submit']")).click();
  }

  private void setInput(String id, String value) {
    browser.driver.executeScript("document.getElementById(arguments[0]).value = arguments[1]", id, value);
  }

  private static String hourInput(long hour) {
    return Instant.ofEpochSecond(hour * 3600).toString().substring(0, 16);
  }
}

package dev.flowagg.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.ConsoleBrowser;
import dev.flowagg.node.testing.NodeProcess;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** With read tokens configured the console asks for one, sends it as a bearer header, and never puts it in a URL. */
class ConsoleTokenPromptIT {

  private static final String TOKEN = "console-reader-5f0c1e9a";

  @TempDir Path dir;

  @Test
  void thePageAsksForATokenUsesItAndKeepsItOutOfEveryUrl() {
    long hour = Instant.now().getEpochSecond() / 3600;
    try (NodeProcess node = NodeProcess.configure(dir.resolve("data"),
            Map.of("FLOWAGG_NETFLOW_PORT", "0", "FLOWAGG_READ_TOKENS", TOKEN)).start();
        ConsoleBrowser browser = ConsoleBrowser.open()) {
      String flow = "[{\"src_app\":\"web\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-a\",\"bytes_tx\":1234,"
          + "\"bytes_rx\":5678,\"hour\":" + (hour - 1) + "}]";
      assertThat(node.http.postJson("/flows", flow).statusCode()).isEqualTo(200);

      browser.driver.get(node.http.base() + "/");
      WebElement dialog = browser.driver.findElement(By.id("token-dialog"));
      browser.wait.until(d -> dialog.isDisplayed());
      browser.screenshot("token-prompt");

      enter(browser, "not-the-token");
      browser.wait.until(d -> d.findElement(By.id("token-error")).getText().contains("refused"));
      assertThat(dialog.isDisplayed()).isTrue();

      enter(browser, TOKEN);
      browser.wait.until(d -> rows(browser).contains("web db vpc-a 1,234 5,678 6,912"));
      assertThat(dialog.isDisplayed()).isFalse();
      browser.wait.until(d -> !d.findElement(By.cssSelector("#members-table tbody")).getText().isEmpty());
      browser.screenshot("token-accepted");

      // Kept for the tab's session: a reload asks no more.
      browser.driver.navigate().refresh();
      browser.wait.until(d -> rows(browser).contains("web db vpc-a 1,234 5,678 6,912"));
      assertThat(browser.driver.findElement(By.id("token-dialog")).isDisplayed()).isFalse();
      assertThat(browser.driver.executeScript("return sessionStorage.getItem('flowagg.read-token')"))
          .isEqualTo(TOKEN);

      assertThat(browser.driver.getCurrentUrl()).doesNotContain(TOKEN);
      @SuppressWarnings("unchecked")
      List<String> requested = (List<String>) browser.driver.executeScript(
          "return performance.getEntriesByType('resource').map(e => e.name)");
      assertThat(requested).isNotEmpty().noneMatch(url -> url.contains(TOKEN));
      assertThat(node.stdoutText()).doesNotContain(TOKEN);
    }
  }

  private static void enter(ConsoleBrowser browser, String token) {
    WebElement input = browser.driver.findElement(By.id("token-input"));
    input.clear();
    input.sendKeys(token);
    browser.driver.findElement(By.cssSelector("#token-form button[type='submit']")).click();
  }

  @SuppressWarnings("unchecked")
  private static List<String> rows(ConsoleBrowser browser) {
    return (List<String>) browser.driver.executeScript(
        "return [...document.querySelectorAll('#talkers-table tbody tr')]"
            + ".map(row => [...row.cells].map(cell => cell.textContent).join(' '))");
  }
}

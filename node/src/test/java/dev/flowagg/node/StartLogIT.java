package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.node.testing.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node's start, as a person reads it: one summary line saying where it listens and what it loaded, none of Pekko's
 * progress, and the same version and commit in that line, {@code version}, {@code /metrics} and {@code GET /cluster}.
 */
class StartLogIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aNodeSaysInOneLineWhereItListensAndWhatItLoaded() throws Exception {
    Path lookup = Files.writeString(dir.resolve("lookup.csv"), "dstport,protocol,tag\n443,tcp,web\n25,tcp,mail\n");
    int netflow = NodeProcess.freePort();
    Path data = dir.resolve("data");
    try (NodeProcess node = NodeProcess.configure(data, Map.of(
            "FLOWAGG_LOOKUP_FILE", lookup.toString(), "FLOWAGG_NETFLOW_HOST", "127.0.0.1",
            "FLOWAGG_NETFLOW_PORT", Integer.toString(netflow), "FLOWAGG_NATIVE", "off",
            "FLOWAGG_WRITE_TOKENS", "writer-token-1"))
        .start()) {
      String version = versionLine();
      String log = awaitSummary(node);

      List<String> summaries = log.lines().filter(l -> l.contains(" serving; ")).toList();
      assertThat(summaries).hasSize(1);
      assertThat(summaries.getFirst())
          .contains(" INFO ", version + " serving; ")
          .contains("; HTTP " + node.http.base() + ";")
          .contains("; NetFlow udp 127.0.0.1:" + netflow + " (java kernel, read with java-channel, from every exporter);")
          .containsPattern("; cluster 127\\.0\\.0\\.1:[0-9]+ \\(single node\\);")
          .contains("; storage H2 " + data.toAbsolutePath().normalize().resolve("flowagg.mv.db") + ";")
          .contains("; files lookup " + lookup + " (2 rows);")
          .contains("; security: writes 1 token, reads open, metrics open; rate limit none; plain HTTP");
      assertThat(log).doesNotContain("No seed-nodes configured").doesNotContain("ClusterSingletonManager");
      assertThat(log.lines().filter(l -> l.contains(" INFO ") && l.contains(" o.a.p")).toList()).isEmpty();
    }
  }

  @Test
  void versionMetricsAndClusterShowTheSameVersionAndCommit() throws Exception {
    String version = versionLine();
    String[] parts = version.substring("flowagg ".length()).split(" \\(commit |\\)");
    try (NodeProcess node =
        NodeProcess.configure(dir.resolve("data"), Map.of("FLOWAGG_NETFLOW_PORT", "0")).start()) {
      assertThat(awaitSummary(node)).contains(version);

      assertThat(node.http.get("/metrics").body())
          .contains("flowagg_build_info{commit=\"" + parts[1] + "\",version=\"" + parts[0] + "\"} 1");
      JsonNode member = JSON.readTree(node.http.get("/cluster").body()).path("members").get(0);
      assertThat(member.path("version").asText()).isEqualTo(parts[0]);
      assertThat(member.path("commit").asText()).isEqualTo(parts[1]);
    }
  }

  /** What the jar's {@code version} command prints: {@code flowagg 0.1.0 (commit 3f2a1b9c4d5e)}. */
  private static String versionLine() throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-jar", NodeProcess.jar().toString(), "version").start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out).matches("flowagg [^ ]+ \\(commit ([0-9a-f]{12}(-dirty)?|unknown)\\)");
    return out;
  }

  /** The log once the summary line is in it (it follows readiness by the time the HTTP port is bound). */
  private static String awaitSummary(NodeProcess node) {
    await().atMost(Duration.ofSeconds(10))
        .until(() -> node.stdoutText().contains(" serving; "));
    return node.stdoutText();
  }
}

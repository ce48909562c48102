package dev.flowagg.node.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.node.ingest.IngestActor;
import dev.flowagg.node.testing.NodeProcess;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With FLOWAGG_LOG_FORMAT=json every line the node writes on standard output is one JSON object. */
class JsonLogIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<JsonNode> parseEveryLine(String stdout) throws Exception {
    List<JsonNode> events = new ArrayList<>();
    for (String line : stdout.split("\n")) {
      if (!line.isBlank()) {
        JsonNode event = JSON.readTree(line);
        assertThat(event.isObject()).as(line).isTrue();
        assertThat(event.path("@timestamp").asText()).as(line).isNotEmpty();
        assertThat(event.path("level").asText()).as(line).isNotEmpty();
        assertThat(event.path("logger_name").asText()).as(line).isNotEmpty();
        events.add(event);
      }
    }
    return events;
  }

  private static List<JsonNode> ofLogger(List<JsonNode> events, String logger) {
    return events.stream().filter(e -> e.path("logger_name").asText().equals(logger)).toList();
  }

  @Test
  void everyStdoutLineIsJsonIncludingAccessLinesAndBadInputWarnings() throws Exception {
    Path dataDir = Files.createTempDirectory("flowagg-jsonlog");
    try (NodeProcess node =
        NodeProcess.configure(dataDir, Map.of("FLOWAGG_LOG_FORMAT", "json", "FLOWAGG_NETFLOW_PORT", "0")).start()) {
      String record = "{\"src_app\":\"secret-app\",\"dest_app\":\"b\",\"vpc_id\":\"v\",\"bytes_tx\":1,\"bytes_rx\":2,\"hour\":7}";
      assertThat(node.http.postJson("/flows?token=hunter2", "[" + record + "]").statusCode()).isEqualTo(200);
      assertThat(node.http.get("/flows?hour=7").statusCode()).isEqualTo(200);
      for (int i = 0; i < 5; i++) {
        assertThat(node.http.postJson("/flows", "[{\"src_app\":\"secret-app\"}]").statusCode()).isEqualTo(400);
      }

      // The log is written asynchronously: wait for the last request's line.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> ofLogger(parseEveryLine(node.stdoutText()), AccessLog.LOGGER).size() >= 7);
      List<JsonNode> events = parseEveryLine(node.stdoutText());

      List<JsonNode> access = ofLogger(events, AccessLog.LOGGER);
      JsonNode post = access.stream().filter(e -> e.path("method").asText().equals("POST")).findFirst().orElseThrow();
      assertThat(post.path("path").asText()).isEqualTo("/flows");
      assertThat(post.path("status").asInt()).isEqualTo(200);
      assertThat(post.path("duration_ms").isIntegralNumber()).isTrue();
      assertThat(post.path("client").asText()).isEqualTo("127.0.0.1");
      assertThat(post.path("message").asText()).startsWith("POST /flows 200 ");
      assertThat(access)
          .anySatisfy(e -> assertThat(e.path("status").asInt()).isEqualTo(400))
          .anySatisfy(e -> assertThat(e.path("method").asText()).isEqualTo("GET"));
      // The readiness probes the start waited on answered 200: DEBUG, so not in the log at the default INFO.
      assertThat(access).noneSatisfy(e -> assertThat(e.path("path").asText()).startsWith("/health/"));

      // Five bad requests from one client within the interval: one warning, the rest held back and counted later.
      List<JsonNode> warnings = ofLogger(events, "flowagg.bad-input");
      assertThat(warnings).hasSize(1);
      assertThat(warnings.getFirst().path("level").asText()).isEqualTo("WARN");
      assertThat(warnings.getFirst().path("message").asText()).startsWith("bad input from 127.0.0.1: POST /flows answered 400: ");

      // Neither bodies nor query strings reach the log.
      assertThat(node.stdoutText()).doesNotContain("secret-app").doesNotContain("hunter2");
    }
  }

  @Test
  void malformedNetflowIsSummarisedUnderTheBadInputLoggerAndIngestLogsUnderItsOwnName() throws Exception {
    Path dataDir = Files.createTempDirectory("flowagg-jsonlog-netflow");
    int port = NodeProcess.freePort();
    try (NodeProcess node =
        NodeProcess.configure(
                dataDir, Map.of("FLOWAGG_LOG_FORMAT", "json", "FLOWAGG_NETFLOW_PORT", Integer.toString(port)))
            .start()) {
      try (DatagramSocket socket = new DatagramSocket()) {
        byte[] unknownVersion = {0, 99, 0, 0};
        socket.send(new DatagramPacket(unknownVersion, unknownVersion.length,
            new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
      }
      // Summarised once per log interval (10 s).
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> ofLogger(parseEveryLine(node.stdoutText()), "flowagg.bad-input").stream()
              .anyMatch(e -> e.path("message").asText().startsWith("NetFlow from 127.0.0.1 (version 0): 1 UNKNOWN_VERSION in the last 10 s")));
      assertThat(node.terminate(Duration.ofSeconds(30))).isZero();
      List<JsonNode> events = parseEveryLine(node.stdoutText());
      assertThat(ofLogger(events, IngestActor.class.getName()))
          .anySatisfy(e -> assertThat(e.path("message").asText()).startsWith("shutdown: delivering "));
      assertThat(events).noneSatisfy(e -> assertThat(e.path("logger_name").asText()).endsWith("ActorCell"));
    }
  }

  @Test
  void anUnknownFormatIsRefusedAtStart() throws Exception {
    Path dataDir = Files.createTempDirectory("flowagg-badlog");
    try (NodeProcess node = NodeProcess.configure(dataDir, Map.of("FLOWAGG_LOG_FORMAT", "xml"))) {
      assertThatThrownBy(node::start).hasMessageContaining("FLOWAGG_LOG_FORMAT must be text or json, not 'xml'");
    }
  }
}

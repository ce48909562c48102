package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.testing.NodeProcess;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every way a node can fail to start ends the real process with its own exit code and one line on standard error
 * that names the setting and its value and says what to do; no stack trace anywhere.
 */
class StartFailureIT {

  @TempDir Path dir;

  /**
   * Starts the jar with these variables (and no NetFlow listener unless they ask for one), expects it to exit by
   * itself, and returns what it said.
   */
  private Outcome start(Map<String, String> env) {
    Map<String, String> all = new HashMap<>(Map.of("FLOWAGG_NETFLOW_PORT", "0"));
    all.putAll(env);
    try (NodeProcess node = NodeProcess.configure(dir.resolve("data"), all).launch()) {
      int exit = node.awaitExit(Duration.ofSeconds(60))
          .orElseThrow(() -> new AssertionError("the node did not exit; log: " + node.logText()));
      List<String> said = node.stderrText().lines().filter(l -> l.startsWith("flowagg: ")).toList();
      assertThat(said).as("one line on standard error; log: " + node.logText()).hasSize(1);
      assertThat(node.logText()).as("no stack trace").doesNotContain("\tat ");
      return new Outcome(exit, said.getFirst(), node.stdoutText());
    }
  }

  private record Outcome(int exitCode, String line, String log) {}

  @Test
  void aPortThatIsNotANumberNamesTheVariableAndTheValue() {
    Outcome o = start(Map.of("FLOWAGG_HTTP_PORT", "abc"));

    assertThat(o.exitCode()).isEqualTo(ExitCode.BAD_SETTING.code());
    assertThat(o.line()).isEqualTo("flowagg: cannot start: FLOWAGG_HTTP_PORT=abc is not a port number: a whole"
        + " number from 0 to 65535; fix it, or unset FLOWAGG_HTTP_PORT to use the default (8080)");
  }

  @Test
  void aPortOutOfRangeIsABadSetting() {
    Outcome o = start(Map.of("FLOWAGG_NETFLOW_PORT", "99999"));

    assertThat(o.exitCode()).isEqualTo(ExitCode.BAD_SETTING.code());
    assertThat(o.line()).contains("FLOWAGG_NETFLOW_PORT=99999 is not a port number");
  }

  @Test
  void aDurationThatIsNotOneSaysWhatADurationLooksLike() {
    Outcome o = start(Map.of("FLOWAGG_REQUEST_TIMEOUT", "soon"));

    assertThat(o.exitCode()).isEqualTo(ExitCode.BAD_SETTING.code());
    assertThat(o.line()).contains("FLOWAGG_REQUEST_TIMEOUT=soon is not a duration", "15s");
  }

  @Test
  void anHttpPortInUseHasItsOwnExitCode() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Outcome o = start(Map.of("FLOWAGG_HTTP_PORT", Integer.toString(taken.getLocalPort())));

      assertThat(o.exitCode()).isEqualTo(ExitCode.HTTP_PORT.code());
      assertThat(o.line()).isEqualTo("flowagg: cannot start: cannot listen for the HTTP API on 127.0.0.1:"
          + taken.getLocalPort() + " (FLOWAGG_HTTP_HOST=127.0.0.1, FLOWAGG_HTTP_PORT=" + taken.getLocalPort()
          + "): address already in use; stop what uses it, or set FLOWAGG_HTTP_PORT to a free port");
    }
  }

  @Test
  void aNetflowPortInUseHasItsOwnExitCode() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      Outcome o = start(Map.of(
          "FLOWAGG_NETFLOW_HOST", "127.0.0.1", "FLOWAGG_NETFLOW_PORT", Integer.toString(taken.getLocalPort())));

      assertThat(o.exitCode()).isEqualTo(ExitCode.NETFLOW_PORT.code());
      assertThat(o.line()).contains("cannot listen for the NetFlow listener on 127.0.0.1:" + taken.getLocalPort(),
          "address already in use", "FLOWAGG_NETFLOW_PORT");
    }
  }

  @Test
  void aClusterPortInUseHasItsOwnExitCode() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Outcome o = start(Map.of("FLOWAGG_CLUSTER_PORT", Integer.toString(taken.getLocalPort())));

      assertThat(o.exitCode()).isEqualTo(ExitCode.CLUSTER_PORT.code());
      assertThat(o.line()).contains("cannot listen for the cluster transport on 127.0.0.1:" + taken.getLocalPort(),
          "address already in use", "FLOWAGG_CLUSTER_PORT");
    }
  }

  @Test
  void anAddressOfAnotherMachineSaysSo() {
    Outcome o = start(Map.of("FLOWAGG_HTTP_HOST", "192.0.2.1"));

    assertThat(o.exitCode()).isEqualTo(ExitCode.HTTP_PORT.code());
    assertThat(o.line()).contains("192.0.2.1", "not an address of this machine", "FLOWAGG_HTTP_HOST");
  }

  @Test
  void aMissingClassificationFileGivesTheOperatingSystemsReason() {
    Path missing = dir.resolve("rules.conf");

    Outcome o = start(Map.of("FLOWAGG_CLASSIFICATION_FILE", missing.toString()));

    assertThat(o.exitCode()).isEqualTo(ExitCode.UNUSABLE_FILE.code());
    assertThat(o.line()).isEqualTo("flowagg: cannot start: FLOWAGG_CLASSIFICATION_FILE=" + missing
        + ": cannot read it: no such file or directory; fix the path or unset FLOWAGG_CLASSIFICATION_FILE");
  }

  @Test
  void aLookupFileThatIsADirectoryGivesTheOperatingSystemsReason() {
    Outcome o = start(Map.of("FLOWAGG_LOOKUP_FILE", dir.toString()));

    assertThat(o.exitCode()).isEqualTo(ExitCode.UNUSABLE_FILE.code());
    assertThat(o.line()).contains("FLOWAGG_LOOKUP_FILE=" + dir + ": cannot read it: is a directory");
  }

  @Test
  void aDataDirectoryThatCannotBeCreatedGivesTheOperatingSystemsReason() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "");

    Outcome o = start(Map.of("FLOWAGG_DATA_DIR", file.resolve("data").toString()));

    assertThat(o.exitCode()).isEqualTo(ExitCode.UNUSABLE_FILE.code());
    assertThat(o.line()).contains("FLOWAGG_DATA_DIR=" + file.resolve("data") + ": cannot create the directory: not a"
        + " directory");
  }

  @Test
  void anUnreachableDatabaseIsRetriedWithALogLineEachTimeThenGivenUp() throws Exception {
    int closed = NodeProcess.freePort();
    String url = "jdbc:postgresql://127.0.0.1:" + closed + "/flowagg";

    Outcome o = start(Map.of("FLOWAGG_DB_URL", url, "FLOWAGG_DB_START_TIMEOUT", "2s"));

    assertThat(o.exitCode()).isEqualTo(ExitCode.DATABASE.code());
    assertThat(o.line()).startsWith("flowagg: cannot start: FLOWAGG_DB_URL=" + url + ": cannot connect: ")
        .contains("Connection refused", "FLOWAGG_DB_START_TIMEOUT");
    assertThat(o.log().lines().filter(l -> l.contains("WARN") && l.contains("database not reachable")).count())
        .as(o.log()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void aDataDirectoryInUseByAnotherNodeIsADatabaseFailure() {
    Path data = dir.resolve("shared");
    Map<String, String> sharing = Map.of("FLOWAGG_NETFLOW_PORT", "0", "FLOWAGG_DATA_DIR", data.toString());
    try (NodeProcess first = NodeProcess.configure(dir.resolve("first"), sharing).start();
        NodeProcess second = NodeProcess.configure(dir.resolve("second"), sharing).launch()) {
      int exit = second.awaitExit(Duration.ofSeconds(60)).orElseThrow();

      assertThat(exit).as(second.logText()).isEqualTo(ExitCode.DATABASE.code());
      assertThat(second.stderrText()).contains("FLOWAGG_DATA_DIR=" + data, "in use by another process");
      assertThat(first.http.get("/health/ready").statusCode()).as("the first node serves on").isEqualTo(200);
    }
  }

  @Test
  void aDatabaseOfTheFirstFormatIsRefusedNotServedEmpty() throws Exception {
    try (NodeProcess first = NodeProcess.configure(dir.resolve("data"), Map.of("FLOWAGG_NETFLOW_PORT", "0")).start()) {
      first.terminate(Duration.ofSeconds(60));
    }
    String url = "jdbc:h2:file:" + dir.resolve("data").resolve("flowagg");
    try (Connection c = DriverManager.getConnection(url, "sa", "");
        var insert = c.prepareStatement("INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\","
            + " \"writer\", \"write_timestamp\", \"adapter_manifest\", \"event_payload\", \"event_ser_id\","
            + " \"event_ser_manifest\") VALUES ('FlowAggregate|0123', 1, 'w', 0, '', X'00', 1, '')")) {
      insert.executeUpdate();
    }

    Outcome o = start(Map.of());

    assertThat(o.exitCode()).isEqualTo(ExitCode.DATABASE.code());
    assertThat(o.line()).contains("FLOWAGG_DATA_DIR=", "format of flowagg 0.1", "new FLOWAGG_DATA_DIR");
  }
}

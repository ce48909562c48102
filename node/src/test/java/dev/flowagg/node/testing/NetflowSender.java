package dev.flowagg.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node jar's own {@code send} command, run as a separate process: synthetic NetFlow at a rate, and the totals a
 * collector must count from it (its ground truth).
 */
public final class NetflowSender {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DATAGRAMS = Pattern.compile(" in (\\d+) datagrams ");

  /** What was sent: datagrams, and the totals per hour by tuple (as {@link FlowTotals#tuple}). */
  public record Sent(long datagrams, Map<Long, Map<String, FlowTotals.Totals>> byHour) {
    public int tuples() {
      return byHour.values().stream().mapToInt(Map::size).sum();
    }

    public TreeSet<Long> hours() {
      return new TreeSet<>(byHour.keySet());
    }
  }

  private NetflowSender() {}

  /** Sends and waits; {@code options} as the command takes them (e.g. --records, --rate, --clients). */
  public static Sent send(int port, String... options) {
    try {
      Path dir = Files.createTempDirectory("flowagg-send");
      Path totals = dir.resolve("totals.json");
      Path err = dir.resolve("stderr.txt");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> cmd = new ArrayList<>(List.of(java, "--sun-misc-unsafe-memory-access=allow",
          "--enable-native-access=ALL-UNNAMED", "-jar", System.getProperty("flowagg.jar"), "send",
          "--target", "127.0.0.1:" + port, "--totals", totals.toString()));
      cmd.addAll(List.of(options));
      Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(err.toFile()).start();
      int exit = p.waitFor();
      String stderr = Files.readString(err);
      if (exit != 0) {
        throw new AssertionError("send exited with " + exit + ": " + stderr);
      }
      Matcher m = DATAGRAMS.matcher(stderr);
      if (!m.find()) {
        throw new AssertionError("send did not say how many datagrams it sent: " + stderr);
      }
      Map<Long, Map<String, FlowTotals.Totals>> byHour = new TreeMap<>();
      for (JsonNode row : JSON.readTree(totals.toFile())) {
        byHour.computeIfAbsent(row.get("hour").asLong(), h -> new HashMap<>()).put(
            FlowTotals.tuple(row.get("src_app").asText(), row.get("dest_app").asText(), row.get("vpc_id").asText()),
            new FlowTotals.Totals(row.get("bytes_tx").asLong(), row.get("bytes_rx").asLong()));
      }
      return new Sent(Long.parseLong(m.group(1)), byHour);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What the node serves for the hours the sender used, by hour. */
  public static Map<Long, Map<String, FlowTotals.Totals>> served(HttpApi http, Sent sent) {
    Map<Long, Map<String, FlowTotals.Totals>> out = new TreeMap<>();
    for (long hour : sent.hours()) {
      var response = http.get("/flows?hour=" + hour, java.time.Duration.ofSeconds(30));
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET /flows?hour=" + hour + " answered " + response.statusCode());
      }
      out.put(hour, FlowTotals.parse(response.body()));
    }
    return out;
  }
}

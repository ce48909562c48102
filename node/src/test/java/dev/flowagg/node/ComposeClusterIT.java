package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flowagg.node.testing.DockerCompose;
import dev.flowagg.node.testing.FlowTotals;
import dev.flowagg.node.testing.FlowTotals.Totals;
import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * {@code docker-compose.cluster.yml}, unmodified, run the way README's cluster section walks through it: {@code up
 * --build}, three members Up, a POST read back through another node, the bundled sender's traffic counted exactly,
 * node2 killed (the others serve every tuple) and started again (it rejoins; the totals stay exact), {@code down}
 * then {@code up} (the volume keeps the data), and {@code down -v} at the end whatever happened. It prints how long
 * each step took and what the GETs answered meanwhile; the commands' output and the services' logs are kept in
 * target/compose-cluster/.
 */
class ComposeClusterIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path FILE = ROOT.resolve("docker-compose.cluster.yml");
  private static final Path LOGS = ROOT.resolve("node/target/compose-cluster");
  private static final String PROJECT_PREFIX = "flowagg-it-";
  private static final List<String> NODES = List.of("node1", "node2", "node3");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A day before the sender's hour (the current one), so the POSTed tuples are an hour of their own, and recent. */
  private static final long POSTED_HOUR = System.currentTimeMillis() / 3_600_000L - 24;
  private static final Duration GET_TIMEOUT = Duration.ofSeconds(20);

  private final Map<String, Duration> timings = new LinkedHashMap<>();

  @Test
  void theComposeClusterCountsEveryFlowThroughAKillARestartAndADownAndUp() throws Exception {
    JsonNode services = new ObjectMapper(new YAMLFactory()).readTree(FILE.toFile()).path("services");
    Map<String, HttpApi> http = new LinkedHashMap<>();
    for (String node : NODES) {
      http.put(node, new HttpApi("http://127.0.0.1:" + hostPort(services.path(node), "8080")));
    }
    String project = PROJECT_PREFIX + UUID.randomUUID().toString().substring(0, 8);
    try (DockerCompose compose = DockerCompose.of(FILE, project, LOGS)) {
      System.out.println("compose-cluster: project " + project + " with " + compose.commandLine());
      removeProjectsLeftByEarlierRuns(compose);
      requireHostPortsFree(services);
      long start = System.nanoTime();
      upOrExplain(compose, "up", "--build", "-d");
      took("up --build -d (image build, postgres healthy, three nodes healthy, sender started)", start);
      awaitMembersUp(http.values());
      took("from up --build until three members Up everywhere", start);

      // A POST through node1 reads back exactly through node3.
      Map<Long, Map<String, Totals>> expected = new TreeMap<>();
      expected.put(POSTED_HOUR, postThrough(http.get("node1")));
      assertThat(servedTotals(http.get("node3"), POSTED_HOUR)).isEqualTo(expected.get(POSTED_HOUR));

      // The sender's own ground truth, counted exactly.
      List<String> sender = ComposeFileTest.senderJarArguments(services);
      HttpApi target = http.get(sender.get(sender.indexOf("--target") + 1).split(":")[0]);
      awaitSenderExited(compose, sender);
      took("from up --build until the sender finished", start);
      String totalsPath = senderTotalsPath(services);
      String groundTruth = compose.read("sender", totalsPath);
      expected.putAll(senderTotals(groundTruth, classification(services.path("node1"))));
      long counting = System.nanoTime();
      awaitCountedExactly(http.values(), expected, target);
      took("from the sender's exit until every tuple was counted exactly on every node", counting);
      long senderHour = senderHours(expected).getFirst();
      long getStart = System.nanoTime();
      servedTotals(target, senderHour);
      took("one GET /flows of the sender's hour (" + expected.get(senderHour).size() + " tuples)", getStart);

      // SIGKILL node2: the other two serve every tuple.
      long killed = System.nanoTime();
      compose.run(Duration.ofMinutes(1), "kill", "node2");
      record("kill node2 until node1 and node3 serve every tuple",
          timeUntilServed(List.of(http.get("node1"), http.get("node3")), expected, killed));

      // node2 back: it rejoins, and all three serve the same exact totals.
      long restarted = System.nanoTime();
      compose.run(Duration.ofMinutes(1), "start", "node2");
      awaitMembersUp(http.values());
      took("start node2 until three members Up everywhere", restarted);
      record("start node2 until all three serve every tuple",
          timeUntilServed(List.copyOf(http.values()), expected, restarted));

      // down and up again: the data is in the volume, and the sender does not send a second time.
      compose.saveLogs("services-before-down.log");
      long down = System.nanoTime();
      compose.run(Duration.ofMinutes(3), "down");
      took("down", down);
      long up = System.nanoTime();
      upOrExplain(compose, "up", "-d");
      awaitMembersUp(http.values());
      took("up -d after down until three members Up everywhere", up);
      record("up -d after down until all three serve every tuple",
          timeUntilServed(List.copyOf(http.values()), expected, up));
      await().atMost(Duration.ofMinutes(2)).until(() -> compose.state("sender").exited());
      assertThat(compose.state("sender").exitCode()).as(compose.logs("sender")).isZero();
      assertThat(compose.logs("sender")).contains("sent before");
      assertThat(compose.read("sender", totalsPath)).isEqualTo(groundTruth);
      for (HttpApi node : http.values()) {
        for (long hour : expected.keySet()) {
          assertThat(servedTotals(node, hour)).as(node.base() + " hour " + hour).isEqualTo(expected.get(hour));
        }
      }
    } finally {
      System.out.print("compose-cluster: timings\n" + timingsText());
    }
  }

  /** The host port a service publishes for {@code containerPort} (e.g. "8081:8080" gives 8081). */
  private static int hostPort(JsonNode service, String containerPort) {
    for (JsonNode p : service.path("ports")) {
      String[] parts = p.asText().split(":");
      if (parts[1].equals(containerPort)) {
        return Integer.parseInt(parts[0]);
      }
    }
    throw new AssertionError("no published port for " + containerPort + " in " + service.path("ports"));
  }

  /** A run that was killed (not failed) cannot take its project down; the next run does, before the ports clash. */
  private static void removeProjectsLeftByEarlierRuns(DockerCompose compose) {
    Set<String> left = new HashSet<>();
    for (String line : compose.docker(Duration.ofMinutes(1), "ps", "-a", "--format",
        "{{.Label \"com.docker.compose.project\"}}").split("\n")) {
      if (line.strip().startsWith(PROJECT_PREFIX) && !line.strip().equals(compose.project())) {
        left.add(line.strip());
      }
    }
    for (String project : left) {
      System.out.println("compose-cluster: taking down " + project + ", left by an earlier run");
      DockerCompose.of(FILE, project, LOGS.resolve(project)).close();
    }
  }

  /** The compose file publishes fixed host ports: a cluster started by hand and still up would take them. */
  private static void requireHostPortsFree(JsonNode services) {
    services.properties().forEach(service -> {
      for (JsonNode p : service.getValue().path("ports")) {
        String published = p.asText();
        int port = Integer.parseInt(published.split(":")[0]);
        try {
          if (published.endsWith("/udp")) {
            new DatagramSocket(port).close();
          } else {
            try (ServerSocket s = new ServerSocket()) {
              s.bind(new InetSocketAddress(port));
            }
          }
        } catch (BindException e) {
          throw new AssertionError("host port " + published + " of " + service.getKey() + " is in use; "
              + FILE.getFileName() + " publishes fixed ports (is a cluster started from README still up? `docker "
              + "compose -f " + FILE.getFileName() + " down`)");
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      }
    });
  }

  private static void upOrExplain(DockerCompose compose, String... args) {
    try {
      compose.run(Duration.ofMinutes(30), args);
    } catch (IllegalStateException e) {
      throw new AssertionError(e.getMessage() + "\n(A base image that cannot be pulled can be built as a local "
          + "stand-in with .ci/stand-ins/build; output of every command in " + LOGS + ")", e);
    }
  }

  private static void awaitMembersUp(Iterable<HttpApi> nodes) {
    await()
        .atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofMillis(500))
        .ignoreExceptions()
        .untilAsserted(() -> {
          for (HttpApi node : nodes) {
            assertThat(node.get("/cluster", Duration.ofSeconds(5)).body().split("\"status\":\"Up\"", -1))
                .as(node.base() + "/cluster").hasSize(NODES.size() + 1);
          }
        });
  }

  /**
   * Posts 50 tuples through {@code node} as README tells clients to: a 503 (the node could not finish in time) is
   * retried with the same Idempotency-Key. The totals it must then serve for {@link #POSTED_HOUR}.
   */
  private Map<String, Totals> postThrough(HttpApi node) {
    List<String> sources = new ArrayList<>();
    List<Long> tx = new ArrayList<>();
    Map<String, Totals> totals = new HashMap<>();
    for (int i = 0; i < 50; i++) {
      sources.add("compose-client-" + i);
      tx.add(1000L + i);
      totals.put(FlowTotals.tuple("compose-client-" + i, "compose-db", "vpc-http"), new Totals(1000L + i, 1));
    }
    String body = FlowTotals.records(sources, "compose-db", "vpc-http", tx, POSTED_HOUR);
    String key = UUID.randomUUID().toString();
    List<String> refusals = new ArrayList<>();
    long start = System.nanoTime();
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      var response = node.post("/flows", "application/json", body, key);
      if (response.statusCode() != 200) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
        refusals.add(response.body());
      }
      return response.statusCode() == 200;
    });
    took("POST of 50 tuples through node1 answered 200 (after " + refusals.size() + " answers 503)", start);
    refusals.stream().distinct().forEach(r -> System.out.println("compose-cluster: POST answered 503: " + r));
    return totals;
  }

  private static Map<String, Totals> servedTotals(HttpApi node, long hour) {
    var response = node.get("/flows?hour=" + hour, GET_TIMEOUT);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("answered " + response.statusCode() + " " + response.body());
    }
    return FlowTotals.parse(response.body());
  }

  private static void awaitSenderExited(DockerCompose compose, List<String> sender) {
    double records = Double.parseDouble(sender.get(sender.indexOf("--records") + 1));
    double rate = Double.parseDouble(sender.get(sender.indexOf("--rate") + 1));
    await()
        .atMost(Duration.ofSeconds(Math.round(3 * records / rate) + 300))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> compose.state("sender").exited());
    String log = compose.logs("sender");
    System.out.println("compose-cluster: the sender's log:\n" + log);
    assertThat(compose.state("sender").exitCode()).as("the sender's exit code; its log:\n" + log).isZero();
  }

  /** Where the sender's script writes its totals ({@code totals=PATH}). */
  private static String senderTotalsPath(JsonNode services) {
    Matcher m = Pattern.compile("totals=(\\S+)").matcher(services.path("sender").path("command").get(0).asText());
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  /** The rules the nodes load: the file the compose file mounts where FLOWAGG_CLASSIFICATION_FILE points. */
  private static ClassificationRules classification(JsonNode node) throws IOException {
    String inContainer = node.path("environment").path("FLOWAGG_CLASSIFICATION_FILE").asText();
    for (JsonNode volume : node.path("volumes")) {
      String[] parts = volume.asText().split(":");
      if (parts[1].equals(inContainer)) {
        return ClassificationRules.load(ROOT.resolve(parts[0]));
      }
    }
    throw new AssertionError("no mount for " + inContainer);
  }

  /**
   * The sender's totals by hour and tuple. It writes them as a collector without rules counts them, the exporter's
   * address as vpc_id; the nodes name that address's VPC by the mounted rules.
   */
  private static Map<Long, Map<String, Totals>> senderTotals(String json, ClassificationRules rules) throws IOException {
    Map<Long, Map<String, Totals>> out = new TreeMap<>();
    for (JsonNode row : JSON.readTree(json)) {
      String vpc = rules.vpcOfExporter(IpAddress.parse(row.get("vpc_id").asText()));
      out.computeIfAbsent(row.get("hour").asLong(), h -> new HashMap<>())
          .merge(FlowTotals.tuple(row.get("src_app").asText(), row.get("dest_app").asText(), vpc),
              new Totals(row.get("bytes_tx").asLong(), row.get("bytes_rx").asLong()),
              (a, b) -> a.plus(b.bytesTx(), b.bytesRx()));
    }
    assertThat(out).as("the sender's totals").isNotEmpty();
    return out;
  }

  private static List<Long> senderHours(Map<Long, Map<String, Totals>> expected) {
    return expected.keySet().stream().filter(h -> h != POSTED_HOUR).toList();
  }

  /**
   * Waits until every node serves exactly the expected totals, or until the ingesting node has nothing left to
   * deliver and has not moved for one poll: then the totals are final, and a difference is a loss.
   */
  private static void awaitCountedExactly(
      Iterable<HttpApi> nodes, Map<Long, Map<String, Totals>> expected, HttpApi ingesting) {
    AtomicReference<String> lastStats = new AtomicReference<>("");
    AtomicReference<String> difference = new AtomicReference<>("not compared yet");
    await()
        .atMost(Duration.ofMinutes(10))
        .pollInterval(Duration.ofSeconds(2))
        .ignoreExceptions()
        .until(() -> {
          String stats = ingestProgress(ingesting);
          boolean settled = stats.equals(lastStats.getAndSet(stats)) && stats.contains("\"pending_entries\":0,")
              && stats.contains("\"deliveries_in_flight\":0,");
          difference.set(difference(nodes, expected));
          return difference.get().isEmpty() || settled;
        });
    assertThat(difference.get())
        .as("the sender's traffic counted exactly; GET %s/ingest/stats: %s", ingesting.base(),
            ingesting.get("/ingest/stats").body())
        .isEmpty();
  }

  /** The ingesting node's counters that move while NetFlow is received or delivered. */
  private static String ingestProgress(HttpApi node) throws IOException {
    JsonNode stats = JSON.readTree(node.get("/ingest/stats", Duration.ofSeconds(5)).body());
    return stats.path("listener").toString() + stats.path("aggregation").toString();
  }

  /** Empty when every node serves exactly the expected totals; else what differs or failed, at the first node and hour. */
  private static String difference(Iterable<HttpApi> nodes, Map<Long, Map<String, Totals>> expected) {
    for (HttpApi node : nodes) {
      for (var hour : expected.entrySet()) {
        Map<String, Totals> served;
        try {
          served = servedTotals(node, hour.getKey());
        } catch (RuntimeException e) {
          return node.base() + " hour " + hour.getKey() + ": " + e.getMessage();
        }
        if (!served.equals(hour.getValue())) {
          return node.base() + " hour " + hour.getKey() + ": " + compare(hour.getValue(), served);
        }
      }
    }
    return "";
  }

  private static String compare(Map<String, Totals> expected, Map<String, Totals> served) {
    int missing = 0;
    int other = 0;
    long[] sums = new long[4];
    for (var e : expected.entrySet()) {
      Totals s = served.get(e.getKey());
      missing += s == null ? 1 : 0;
      other += s != null && !s.equals(e.getValue()) ? 1 : 0;
      sums[0] += e.getValue().bytesTx();
      sums[1] += e.getValue().bytesRx();
    }
    for (Totals s : served.values()) {
      sums[2] += s.bytesTx();
      sums[3] += s.bytesRx();
    }
    long unexpected = served.keySet().stream().filter(k -> !expected.containsKey(k)).count();
    return String.format(Locale.ROOT,
        "%d tuples expected, %d served: %d missing, %d unexpected, %d with other totals; bytes_tx %d expected, %d served"
            + " (%.2f %%); bytes_rx %d expected, %d served",
        expected.size(), served.size(), missing, unexpected, other, sums[0], sums[2],
        sums[0] == 0 ? 0 : 100.0 * sums[2] / sums[0], sums[1], sums[3]);
  }

  /**
   * From {@code since} until every node has served every hour's tuples exactly. Each (node, hour) is asked every
   * second without waiting for earlier asks (a GET into a node that is going away hangs until its timeout), at most
   * two at once; the time is when the last of them first answered in full. What the failed asks answered is printed.
   */
  private static Duration timeUntilServed(List<HttpApi> nodes, Map<Long, Map<String, Totals>> expected, long since) {
    record Ask(HttpApi node, long hour, Semaphore inFlight, AtomicLong servedAt) {}
    List<Ask> asks = new ArrayList<>();
    for (HttpApi node : nodes) {
      for (long hour : expected.keySet()) {
        asks.add(new Ask(node, hour, new Semaphore(2), new AtomicLong(Long.MAX_VALUE)));
      }
    }
    Map<String, Integer> meanwhile = new ConcurrentSkipListMap<>();
    try (ExecutorService pollers = Executors.newVirtualThreadPerTaskExecutor()) {
      await()
          .atMost(Duration.ofMinutes(5))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            for (Ask ask : asks) {
              if (ask.servedAt.get() == Long.MAX_VALUE && ask.inFlight.tryAcquire()) {
                pollers.submit(() -> {
                  try {
                    String difference = difference(List.of(ask.node), Map.of(ask.hour, expected.get(ask.hour)));
                    if (difference.isEmpty()) {
                      ask.servedAt.accumulateAndGet(System.nanoTime(), Math::min);
                    } else if (ask.servedAt.get() == Long.MAX_VALUE) {
                      meanwhile.merge(difference.length() > 150 ? difference.substring(0, 150) + "…" : difference, 1,
                          Integer::sum);
                    }
                  } finally {
                    ask.inFlight.release();
                  }
                });
              }
            }
            return asks.stream().allMatch(a -> a.servedAt.get() != Long.MAX_VALUE);
          });
      pollers.shutdownNow();
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("not every tuple served in time; the failed asks answered: " + meanwhile, e);
    } finally {
      meanwhile.forEach((what, n) -> System.out.println("compose-cluster:   meanwhile " + n + " × " + what));
    }
    return Duration.ofNanos(asks.stream().mapToLong(a -> a.servedAt.get()).max().orElseThrow() - since);
  }

  private void took(String step, long startNanos) {
    record(step, Duration.ofNanos(System.nanoTime() - startNanos));
  }

  private void record(String step, Duration took) {
    timings.put(step, took);
    System.out.printf(Locale.ROOT, "compose-cluster: %.1f s  %s%n", took.toMillis() / 1000.0, step);
    try {
      Files.createDirectories(LOGS);
      Files.writeString(LOGS.resolve("timings.txt"), timingsText());
    } catch (IOException e) {
      System.out.println("compose-cluster: could not write timings.txt: " + e);
    }
  }

  private String timingsText() {
    StringBuilder b = new StringBuilder();
    timings.forEach((step, d) -> b.append(String.format(Locale.ROOT, "%8.1f s  %s%n", d.toMillis() / 1000.0, step)));
    return b.toString();
  }
}

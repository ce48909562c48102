package dev.flowagg.bench;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.FlowaggNode;
import dev.flowagg.node.aggregate.DeltaBlock;
import dev.flowagg.node.aggregate.FlowKey;
import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.aggregate.WriteBatch;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Query speed on a loaded node: fills {@code hours} hours of {@code tuples} tuples each (straight into the flow
 * slices), then times {@code GET /flows?hour=N} of one hour (streamed to the end) and {@code GET /totals} top-10 over
 * the whole range, cold and warm, optionally while the node takes NetFlow from a sender process at {@code rate}
 * records per second (started with {@code sender=path/to/flowagg-node.jar}).
 *
 * <p>Usage: {@code java -cp bench/target/flowagg-bench.jar dev.flowagg.bench.QueryBench [key=value ...]} with keys
 * {@code tuples} (100000), {@code hours} (24), {@code repeats} (10), {@code db} (PostgreSQL JDBC URL; default H2),
 * {@code user}, {@code password}, {@code sender} (node jar for a NetFlow sender; none by default), {@code rate}
 * (300000), {@code senderTuples} (100000).
 */
public final class QueryBench {

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int tuples = Integer.parseInt(opts.getOrDefault("tuples", "100000"));
    int hours = Integer.parseInt(opts.getOrDefault("hours", "24"));
    int repeats = Integer.parseInt(opts.getOrDefault("repeats", "10"));
    Map<String, Object> config = new HashMap<>();
    config.put("flowagg.data-dir", Files.createTempDirectory("flowagg-querybench").toString());
    config.put("flowagg.http.host", "127.0.0.1");
    config.put("flowagg.http.port", 0);
    config.put("flowagg.cluster.port", 0);
    config.put("flowagg.ingest.netflow-host", "127.0.0.1");
    config.put("flowagg.ingest.netflow-port", 0);
    config.put("pekko.coordinated-shutdown.exit-jvm", "off");
    int netflowPort = 0;
    if (opts.containsKey("sender")) {
      try (java.net.DatagramSocket s = new java.net.DatagramSocket(0)) {
        netflowPort = s.getLocalPort();
      }
      config.put("flowagg.ingest.netflow-port", netflowPort);
    }
    if (opts.containsKey("db")) {
      config.put("flowagg.db.url", opts.get("db"));
      config.put("flowagg.db.user", opts.getOrDefault("user", "postgres"));
      config.put("flowagg.db.password", opts.getOrDefault("password", ""));
    }
    FlowaggNode node = FlowaggNode.start(ConfigFactory.parseMap(config));
    while (!node.readiness().isReady()) {
      Thread.sleep(50);
    }
    String base = "http://127.0.0.1:" + node.httpPort();
    long lastHour = System.currentTimeMillis() / 3_600_000 - 1;
    long firstHour = lastHour - hours + 1;
    System.out.printf("filling %d hours x %d tuples (%s)%n", hours, tuples, node.settings().database().kind());
    FlowWriter writer = new FlowWriter(node.system(), Duration.ofSeconds(120));
    long t0 = System.nanoTime();
    for (int h = 0; h < hours; h++) {
      writer.deliver(t0, h, delivery(tuples, firstHour + h)).toCompletableFuture().join();
    }
    System.out.printf("filled in %.1f s%n", (System.nanoTime() - t0) / 1e9);

    Process sender = null;
    if (opts.containsKey("sender")) {
      String java = ProcessHandle.current().info().command().orElse("java");
      sender = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow", "--enable-native-access=ALL-UNNAMED",
          "-jar", opts.get("sender"), "send", "--target", "127.0.0.1:" + netflowPort, "--rate",
          opts.getOrDefault("rate", "300000"), "--records", "1000000000", "--tuples",
          opts.getOrDefault("senderTuples", "100000"), "--totals", "/dev/null")
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Thread.sleep(5_000); // the sender reaches its rate before the timings start
      System.out.printf("NetFlow sender at %s records/s over %s tuples%n", opts.getOrDefault("rate", "300000"),
          opts.getOrDefault("senderTuples", "100000"));
    }
    HttpClient http = HttpClient.newHttpClient();
    time(http, "GET /flows?hour=" + lastHour + " (" + tuples + " rows)", base + "/flows?hour=" + lastHour, repeats);
    time(http, "GET /totals top-10 tuples over " + hours + " hours",
        base + "/totals?from=" + firstHour + "&to=" + (lastHour + 1) + "&top=10", repeats);
    time(http, "GET /totals top-10 src_app over " + hours + " hours, by hour",
        base + "/totals?from=" + firstHour + "&to=" + (lastHour + 1) + "&top=10&bucket=hour&group_by=src_app",
        repeats);
    if (sender != null) {
      // The console's view: the last 24 hours up to now, the current hour being written by the sender meanwhile.
      time(http, "GET /totals top-10 tuples over the last 24 hours, the current one being written",
          base + "/totals?from=" + (lastHour - 22) + "&to=" + (lastHour + 2) + "&top=10", repeats);
      sender.destroy();
    }
    node.stop();
  }

  private static void time(HttpClient http, String what, String url, int repeats) throws Exception {
    long[] ms = new long[repeats];
    long bytes = 0;
    for (int i = 0; i < repeats; i++) {
      long s = System.nanoTime();
      HttpResponse<InputStream> r =
          http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body()) {
        bytes = in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      if (r.statusCode() != 200) {
        throw new IllegalStateException(url + " answered " + r.statusCode());
      }
      ms[i] = (System.nanoTime() - s) / 1_000_000;
    }
    long first = ms[0];
    long[] warm = Arrays.copyOfRange(ms, 1, Math.max(2, repeats));
    Arrays.sort(warm);
    System.out.printf("%s: first %d ms, then median %d ms, max %d ms (%d bytes)%n", what, first,
        warm[warm.length / 2], warm[warm.length - 1], bytes);
  }

  /** Every tuple once in the hour, grouped by slice. */
  private static Map<Integer, List<DeltaBlock>> delivery(int tuples, long hour) {
    Map<Integer, WriteBatch.Parts> parts = new TreeMap<>();
    for (int t = 0; t < tuples; t++) {
      String src = "10." + ((t >> 16) & 255) + "." + ((t >> 8) & 255) + "." + (t & 255);
      String dst = "172.16." + (t % 97) + ".1";
      String vpc = "192.0.2." + (t % 4);
      long tx = 1000 + (t * 7919L + hour) % 100_000;
      parts.computeIfAbsent(new FlowKey(src, dst, vpc).slice(), s -> new WriteBatch.Parts())
          .add(src, dst, vpc, hour, tx, tx / 3);
    }
    Map<Integer, List<DeltaBlock>> bySlice = new TreeMap<>();
    parts.forEach((slice, p) -> bySlice.put(slice, p.finish()));
    return bySlice;
  }

  private QueryBench() {}
}

package dev.flowagg.bench;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.FlowaggNode;
import dev.flowagg.node.aggregate.DeltaBlock;
import dev.flowagg.node.aggregate.FlowKey;
import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.aggregate.WriteBatch;
import dev.flowagg.node.settings.DatabaseSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The write path alone: a node (no HTTP load, no NetFlow) whose flow slices store deliveries of {@code tuples}
 * distinct tuples, one delta each, round after round, as NetFlow ingest would at that cardinality. Reports tuple
 * updates stored per second per round (the first round also names every tuple), then the heap in use, the journal's
 * bytes per event and snapshot, and the database's size on disk.
 *
 * <p>Usage: {@code java -cp bench/target/flowagg-bench.jar dev.flowagg.bench.WritePathBench [key=value ...]} with
 * keys {@code tuples} (100000), {@code rounds} (10), {@code db} (a PostgreSQL JDBC URL; default the embedded H2 in a
 * fresh directory), {@code user}, {@code password}.
 */
public final class WritePathBench {

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (String a : args) {
      int eq = a.indexOf('=');
      opts.put(a.substring(0, eq), a.substring(eq + 1));
    }
    int tuples = Integer.parseInt(opts.getOrDefault("tuples", "100000"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "10"));
    Path dataDir = Files.createTempDirectory("flowagg-writepath");
    Map<String, Object> config = new HashMap<>();
    config.put("flowagg.data-dir", dataDir.toString());
    config.put("flowagg.http.host", "127.0.0.1");
    config.put("flowagg.http.port", 0);
    config.put("flowagg.cluster.port", 0);
    config.put("flowagg.ingest.netflow-port", 0);
    config.put("pekko.coordinated-shutdown.exit-jvm", "off");
    if (opts.containsKey("db")) {
      config.put("flowagg.db.url", opts.get("db"));
      config.put("flowagg.db.user", opts.getOrDefault("user", "postgres"));
      config.put("flowagg.db.password", opts.getOrDefault("password", ""));
    }
    FlowaggNode node = FlowaggNode.start(ConfigFactory.parseMap(config));
    while (!node.readiness().isReady()) {
      Thread.sleep(50);
    }
    DatabaseSettings db = node.settings().database();
    System.out.printf("write path: %d tuples per delivery, %d rounds, %s%n", tuples, rounds, db.kind());
    FlowWriter writer = new FlowWriter(node.system(), Duration.ofSeconds(60));
    long hour = System.currentTimeMillis() / 3_600_000;
    String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    long writerId = System.nanoTime();
    long baselineHeap = usedHeap();
    for (int round = 0; round < rounds; round++) {
      Map<Integer, List<DeltaBlock>> bySlice = delivery(run, tuples, hour, round);
      long t0 = System.nanoTime();
      FlowWriter.Delivered d = writer.deliver(writerId, round, bySlice).toCompletableFuture().join();
      double secs = (System.nanoTime() - t0) / 1e9;
      System.out.printf("round %2d: %d tuple updates in %.2f s: %.0f tuple updates/s%s%n", round, tuples, secs,
          tuples / secs, d.retries() > 0 ? " (" + d.retries() + " retries)" : "");
      if (db.kind() == DatabaseSettings.Kind.H2) {
        System.out.printf("          H2 files: %.1f MB%n", directoryBytes(dataDir) / 1e6);
      }
    }
    long heap = usedHeap();
    System.out.printf("heap in use after the runs: %.1f MB (%.0f bytes per tuple above the idle node)%n", heap / 1e6,
        (heap - baselineHeap) / (double) tuples);
    journalSizes(db);
    node.stop();
  }

  /** One delta for each tuple in the current hour, grouped by slice and cut into message-sized parts. */
  private static Map<Integer, List<DeltaBlock>> delivery(String run, int tuples, long hour, int round) {
    Map<Integer, WriteBatch.Parts> parts = new TreeMap<>();
    for (int t = 0; t < tuples; t++) {
      // Addresses, as NetFlow gives them by default: client and server, and the exporter as the VPC.
      String src = "10." + ((t >> 16) & 255) + "." + ((t >> 8) & 255) + "." + (t & 255);
      String dst = "172.16." + (t % 97) + "." + run.length();
      String vpc = "192.0.2." + (t % 4) + "-" + run;
      FlowKey key = new FlowKey(src, dst, vpc);
      parts.computeIfAbsent(key.slice(), s -> new WriteBatch.Parts()).add(src, dst, vpc, hour, 1000 + round, 10);
    }
    Map<Integer, List<DeltaBlock>> bySlice = new TreeMap<>();
    parts.forEach((slice, p) -> bySlice.put(slice, p.finish()));
    return bySlice;
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  private static long directoryBytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private static void journalSizes(DatabaseSettings db) throws Exception {
    boolean h2 = db.kind() == DatabaseSettings.Kind.H2;
    String q = h2 ? "\"" : "";
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(length(" + q + "event_payload" + q + ")), 0) "
          + "FROM " + q + "event_journal" + q + " WHERE " + q + "persistence_id" + q + " LIKE 'FlowSlice|%'")) {
        rs.next();
        System.out.printf("journal: %d slice events kept, %.0f bytes each on average%n", rs.getLong(1),
            rs.getLong(1) == 0 ? 0.0 : rs.getLong(2) / (double) rs.getLong(1));
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(length(" + q + "snapshot_payload" + q
          + ")), 0) FROM " + q + "snapshot" + q + " WHERE " + q + "persistence_id" + q + " LIKE 'FlowSlice|%'")) {
        rs.next();
        System.out.printf("snapshots: %d kept, %.0f bytes each on average%n", rs.getLong(1),
            rs.getLong(1) == 0 ? 0.0 : rs.getLong(2) / (double) rs.getLong(1));
      }
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM flow_hour")) {
        rs.next();
        System.out.printf("flow_hour: %d rows%n", rs.getLong(1));
      }
    }
  }
}

package dev.flowagg.node.testing;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.FlowaggNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A real node in the test JVM: its own data directory, a free HTTP port, a one-node cluster. */
public final class InProcessNode implements AutoCloseable {

  public final FlowaggNode node;
  public final HttpApi http;
  public final Path dataDir;

  private InProcessNode(FlowaggNode node, Path dataDir) {
    this.node = node;
    this.dataDir = dataDir;
    this.http = new HttpApi("http://127.0.0.1:" + node.httpPort());
  }

  /** Starts a node with these settings (paths under {@code flowagg.}) on top of test defaults, and waits until ready. */
  public static InProcessNode start(Map<String, Object> settings) {
    try {
      Path dataDir = Files.createTempDirectory("flowagg-test");
      Map<String, Object> all = new HashMap<>();
      all.put("flowagg.http.host", "127.0.0.1");
      all.put("flowagg.http.port", 0);
      all.put("flowagg.cluster.port", 0);
      // No NetFlow listener unless a test asks for one (withNetflow): two test runs on a machine would both want 2055.
      all.put("flowagg.ingest.netflow-port", 0);
      all.put("flowagg.data-dir", dataDir.toString());
      all.put("pekko.coordinated-shutdown.exit-jvm", "off"); // the test JVM outlives its nodes
      // Tests write fixed hours, many long past: keep a century (the retention tests set their own).
      all.put("flowagg.retention.hourly", "36500d");
      all.put("flowagg.retention.daily", "36500d");
      all.putAll(settings);
      FlowaggNode node = FlowaggNode.start(ConfigFactory.parseMap(all));
      InProcessNode started = new InProcessNode(node, dataDir);
      await().atMost(Duration.ofSeconds(30)).until(node.readiness()::isReady);
      return started;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Settings for a NetFlow listener on 127.0.0.1:{@code port} that delivers to the entities every 200 ms, plus {@code more}. */
  public static Map<String, Object> withNetflow(int port, Map<String, Object> more) {
    Map<String, Object> all = new HashMap<>(more);
    all.put("flowagg.ingest.netflow-port", port);
    all.put("flowagg.ingest.netflow-host", "127.0.0.1");
    all.put("flowagg.ingest.flush-interval", "200ms");
    return all;
  }

  public static InProcessNode start() {
    return start(Map.of());
  }

  @Override
  public void close() {
    node.stop();
  }
}

package dev.flowagg.node.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * N node JVMs from the built jar on one PostgreSQL database, each on its own loopback address (127.0.0.2, .3, …)
 * with the same variables docker-compose.cluster.yml sets; nodes can be SIGKILLed and started again.
 */
public final class ClusterHarness implements AutoCloseable {

  public final PostgresDatabase db = new PostgresDatabase();
  public final List<NodeProcess> nodes = new ArrayList<>();
  public final List<Integer> netflowPorts = new ArrayList<>();

  public ClusterHarness(int size) throws IOException {
    this(size, Map.of());
  }

  /** With these FLOWAGG_* variables on top, on every node. */
  public ClusterHarness(int size, Map<String, String> extraEnv) throws IOException {
    int clusterPort = NodeProcess.freePort();
    for (int i = 1; i <= size; i++) {
      Map<String, String> env = new HashMap<>(db.nodeEnv());
      String host = address(i);
      int netflowPort = NodeProcess.freePort();
      netflowPorts.add(netflowPort);
      env.put("FLOWAGG_HTTP_HOST", host);
      env.put("FLOWAGG_CLUSTER_HOST", host);
      env.put("FLOWAGG_CLUSTER_PORT", Integer.toString(clusterPort));
      env.put("FLOWAGG_SEED_NODES", address(1) + ":" + clusterPort + "," + address(2) + ":" + clusterPort);
      env.put("FLOWAGG_NETFLOW_HOST", host);
      env.put("FLOWAGG_NETFLOW_PORT", Integer.toString(netflowPort));
      env.put("FLOWAGG_FLUSH_INTERVAL", "200ms");
      env.putAll(extraEnv);
      nodes.add(NodeProcess.configure(Files.createTempDirectory("flowagg-node" + i), env));
    }
  }

  /** The loopback address of node {@code i} (1-based). */
  public static String address(int i) {
    return "127.0.0." + (i + 1);
  }

  public NodeProcess node(int i) {
    return nodes.get(i - 1);
  }

  /** Starts every node at once and waits until all are Up members. */
  public ClusterHarness start() {
    CompletableFuture.allOf(
            nodes.stream().map(n -> CompletableFuture.runAsync(n::start)).toArray(CompletableFuture[]::new))
        .join();
    awaitUpMembers(nodes.size());
    return this;
  }

  public void awaitUpMembers(int count) {
    await()
        .atMost(Duration.ofSeconds(90))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              for (NodeProcess n : nodes) {
                if (n.isRunning()) {
                  assertThat(n.http.get("/cluster").body().split("\"status\":\"Up\"", -1)).hasSize(count + 1);
                }
              }
            });
  }

  @Override
  public void close() {
    nodes.forEach(NodeProcess::close);
    db.close();
  }
}

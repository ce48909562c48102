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
import java.util.function.IntFunction;

/**
 * N node JVMs from the built jar on one PostgreSQL database, with the same variables docker-compose.cluster.yml
 * sets; nodes can be SIGKILLed and started again. Each node is on its own loopback address (127.0.0.2, .3, …), or,
 * {@link #namespaced}, in its own network namespace so it can be cut off from the others.
 */
public final class ClusterHarness implements AutoCloseable {

  public final PostgresDatabase db = new PostgresDatabase();
  public final List<NodeProcess> nodes = new ArrayList<>();
  public final List<Integer> netflowPorts = new ArrayList<>();
  private final List<String> hosts = new ArrayList<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** Nodes on loopback addresses. */
  public ClusterHarness(int size) throws IOException {
    this(size, Map.of());
  }

  /** Nodes on loopback addresses, with these FLOWAGG_* variables on top. */
  public ClusterHarness(int size, Map<String, String> extraEnv) throws IOException {
    for (int i = 1; i <= size; i++) {
      hosts.add(address(i));
    }
    configure(i -> db.nodeEnv(), i -> List.of(), extraEnv);
  }

  private ClusterHarness(IsolatedNetwork network) throws IOException {
    for (int i = 1; i <= network.size(); i++) {
      hosts.add(network.address(i));
    }
    // PostgreSQL listens on the test's loopback only; nodes reach it through a forwarder on the bridge, so cutting a
    // node's link cuts its database connections too.
    TcpForwarder database = new TcpForwarder(network.gateway(), PostgresDatabase.serverAddress());
    resources.add(database);
    configure(i -> db.nodeEnvVia(network.gateway(), database.port()), network::commandPrefix, Map.of());
  }

  /** Nodes each in a namespace of {@code network}; the network stays the caller's to close. */
  public static ClusterHarness namespaced(IsolatedNetwork network) throws IOException {
    return new ClusterHarness(network);
  }

  private void configure(
      IntFunction<Map<String, String>> dbEnv, IntFunction<List<String>> prefix, Map<String, String> extraEnv)
      throws IOException {
    int clusterPort = NodeProcess.freePort();
    for (int i = 1; i <= hosts.size(); i++) {
      Map<String, String> env = new HashMap<>(dbEnv.apply(i));
      String host = host(i);
      int netflowPort = NodeProcess.freePort();
      netflowPorts.add(netflowPort);
      env.put("FLOWAGG_HTTP_HOST", host);
      env.put("FLOWAGG_CLUSTER_HOST", host);
      env.put("FLOWAGG_CLUSTER_PORT", Integer.toString(clusterPort));
      env.put("FLOWAGG_SEED_NODES", host(1) + ":" + clusterPort + "," + host(2) + ":" + clusterPort);
      env.put("FLOWAGG_NETFLOW_HOST", host);
      env.put("FLOWAGG_NETFLOW_PORT", Integer.toString(netflowPort));
      env.put("FLOWAGG_FLUSH_INTERVAL", "200ms");
      env.putAll(extraEnv);
      nodes.add(NodeProcess.configure(Files.createTempDirectory("flowagg-node" + i), env, prefix.apply(i)));
    }
  }

  /** The loopback address of node {@code i} (1-based) in a harness made with {@link #ClusterHarness(int)}. */
  public static String address(int i) {
    return "127.0.0." + (i + 1);
  }

  /** The address node {@code i} (1-based) listens on. */
  public String host(int i) {
    return hosts.get(i - 1);
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

  /** Waits until every running node sees {@code count} Up members. */
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
    for (AutoCloseable r : resources) {
      try {
        r.close();
      } catch (Exception ignored) {
        // best effort
      }
    }
    db.close();
  }
}

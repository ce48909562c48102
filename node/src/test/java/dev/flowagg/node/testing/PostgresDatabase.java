package dev.flowagg.node.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

/**
 * A fresh database on the local PostgreSQL server (127.0.0.1:5432, user postgres, as CI starts it), dropped again
 * on close. {@code FLOWAGG_TEST_PG_URL} points the tests at another server.
 */
public final class PostgresDatabase implements AutoCloseable {

  private static final String SERVER =
      System.getenv().getOrDefault("FLOWAGG_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/");
  private static final String USER = System.getenv().getOrDefault("FLOWAGG_TEST_PG_USER", "postgres");
  private static final String PASSWORD = System.getenv().getOrDefault("FLOWAGG_TEST_PG_PASSWORD", "");

  public final String name = "flowagg_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);

  public PostgresDatabase() {
    execute("CREATE DATABASE " + name);
  }

  public String url() {
    return SERVER + name;
  }

  /** Host and port of the server, as the test reaches it. */
  public static java.net.InetSocketAddress serverAddress() {
    java.net.URI uri = java.net.URI.create(SERVER.substring("jdbc:".length()));
    return new java.net.InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort());
  }

  /** The FLOWAGG_DB_* variables of a node that reaches the server through {@code host:port} (a forwarder). */
  public Map<String, String> nodeEnvVia(String host, int port) {
    return Map.of("FLOWAGG_DB_URL", "jdbc:postgresql://" + host + ":" + port + "/" + name, "FLOWAGG_DB_USER", USER,
        "FLOWAGG_DB_PASSWORD", PASSWORD);
  }

  /** The FLOWAGG_DB_* variables of a node using this database. */
  public Map<String, String> nodeEnv() {
    return Map.of("FLOWAGG_DB_URL", url(), "FLOWAGG_DB_USER", USER, "FLOWAGG_DB_PASSWORD", PASSWORD);
  }

  private static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(SERVER + "postgres", USER, PASSWORD);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "PostgreSQL at " + SERVER + " is needed for this test (.ci/run starts it): " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
}

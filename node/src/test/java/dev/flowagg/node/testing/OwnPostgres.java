package dev.flowagg.node.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own, on its own port and data directory, that the test may stop, kill and start
 * again (the shared server on 5432 is never touched). Made with the distribution's initdb and pg_ctl, run as the
 * {@code postgres} user when the test runs as root (the server refuses to run as root).
 */
public final class OwnPostgres implements AutoCloseable {

  private final Path dir;
  private final int port;
  private final String bin;
  private final boolean asPostgresUser;

  private OwnPostgres(Path dir, int port, String bin, boolean asPostgresUser) {
    this.dir = dir;
    this.port = port;
    this.bin = bin;
    this.asPostgresUser = asPostgresUser;
  }

  /** A fresh server with a database {@code flowagg}, started. */
  public static OwnPostgres start() {
    try {
      String bin = findBin();
      boolean root = "root".equals(System.getProperty("user.name"));
      Path dir = Files.createTempDirectory("flowagg-own-pg");
      OwnPostgres pg = new OwnPostgres(dir.resolve("data"), NodeProcess.freePort(), bin, root);
      if (root) {
        run(List.of("chown", "postgres", dir.toString()));
      }
      pg.run("initdb", "-D", pg.dir.toString(), "-A", "trust", "-U", "postgres", "--no-sync");
      pg.startServer();
      pg.run("createdb", "-h", "127.0.0.1", "-p", Integer.toString(pg.port), "-U", "postgres", "flowagg");
      return pg;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public int port() {
    return port;
  }

  /** The FLOWAGG_DB_* variables of a node using this server. */
  public Map<String, String> nodeEnv() {
    return Map.of("FLOWAGG_DB_URL", "jdbc:postgresql://127.0.0.1:" + port + "/flowagg", "FLOWAGG_DB_USER", "postgres",
        "FLOWAGG_DB_PASSWORD", "");
  }

  public void startServer() {
    run("pg_ctl", "-D", dir.toString(), "-o", "-p " + port + " -c listen_addresses=127.0.0.1 -c fsync=off -k /tmp",
        "-l", dir.resolveSibling("server.log").toString(), "-w", "-t", "60", "start");
  }

  /** Stops at once, as a crash would (no checkpoint, clients cut off). */
  public void stopImmediately() {
    run("pg_ctl", "-D", dir.toString(), "-m", "immediate", "-w", "stop");
  }

  /** SIGKILL to the postmaster; its children die with it. */
  public void killPostmaster() {
    try {
      long pid = Long.parseLong(Files.readAllLines(dir.resolve("postmaster.pid")).getFirst().strip());
      ProcessHandle.of(pid).ifPresent(p -> {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      });
      ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
      Files.deleteIfExists(dir.resolve("postmaster.pid"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String findBin() throws IOException {
    Path lib = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> versions = Files.list(lib)) {
        var newest = versions.filter(v -> Files.isExecutable(v.resolve("bin/pg_ctl")))
            .max(Comparator.comparing(v -> Integer.parseInt(v.getFileName().toString().replaceAll("\\D", "0"))));
        if (newest.isPresent()) {
          return newest.get().resolve("bin").toString();
        }
      }
    }
    throw new IllegalStateException("this test needs PostgreSQL's server programs (initdb, pg_ctl); .ci/run installs "
        + "the distribution's postgresql package");
  }

  private void run(String program, String... args) {
    List<String> cmd = new ArrayList<>();
    if (asPostgresUser) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.add(program.contains("/") ? program : bin + "/" + program);
    cmd.addAll(List.of(args));
    run(cmd);
  }

  private static void run(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      stopImmediately();
    } catch (IllegalStateException alreadyStopped) {
      // stopped or killed by the test
    }
  }
}

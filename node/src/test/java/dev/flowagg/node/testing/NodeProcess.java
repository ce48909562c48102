package dev.flowagg.node.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/** A node running as its own JVM from the built jar, as a person runs it; it can be killed with SIGKILL. */
public final class NodeProcess implements AutoCloseable {

  private final Map<String, String> env;
  private final Path log;
  private final List<String> commandPrefix;
  private Process process;
  public final HttpApi http;

  private NodeProcess(Map<String, String> env, Path log, List<String> commandPrefix) {
    this.env = env;
    this.log = log;
    this.commandPrefix = commandPrefix;
    this.http = new HttpApi("http://" + env.get("FLOWAGG_HTTP_HOST") + ":" + env.get("FLOWAGG_HTTP_PORT"));
  }

  /** A node on loopback with free ports and these extra FLOWAGG_* variables; not started yet. */
  public static NodeProcess configure(Path dataDir, Map<String, String> extraEnv) {
    return configure(dataDir, extraEnv, List.of());
  }

  /** As {@link #configure(Path, Map)}, the JVM started through {@code commandPrefix} (e.g. ip netns exec NAME). */
  public static NodeProcess configure(Path dataDir, Map<String, String> extraEnv, List<String> commandPrefix) {
    Map<String, String> env = new HashMap<>();
    env.put("FLOWAGG_HTTP_HOST", "127.0.0.1");
    env.put("FLOWAGG_HTTP_PORT", Integer.toString(freePort()));
    env.put("FLOWAGG_CLUSTER_HOST", "127.0.0.1");
    env.put("FLOWAGG_CLUSTER_PORT", Integer.toString(freePort()));
    // Not the default 2055: other builds on the same machine listen there too.
    env.put("FLOWAGG_NETFLOW_PORT", Integer.toString(freeUdpPort()));
    env.put("FLOWAGG_DATA_DIR", dataDir.toString());
    // Tests write fixed hours, many long past: keep a century (the retention tests set their own).
    env.put("FLOWAGG_RETENTION_HOURLY", "36500d");
    env.put("FLOWAGG_RETENTION_DAILY", "36500d");
    env.putAll(extraEnv);
    return new NodeProcess(env, dataDir.resolveSibling(dataDir.getFileName() + ".log"), List.copyOf(commandPrefix));
  }

  /** The node jar the build made. */
  public static Path jar() {
    String jar = System.getProperty("flowagg.jar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("the node jar is not built: " + jar + " (run through 'mvn verify')");
    }
    return Path.of(jar);
  }

  /** Starts the JVM without waiting for anything: for a start that is expected to fail. */
  public NodeProcess launch() {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(commandPrefix);
    cmd.addAll(List.of(java, "--sun-misc-unsafe-memory-access=allow", "-Xmx512m", "-jar", jar().toString()));
    // Standard error apart, so a test can read what the node itself wrote on standard output.
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectError(ProcessBuilder.Redirect.appendTo(errorLog().toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("FLOWAGG_"));
    pb.environment().putAll(env);
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return this;
  }

  /** Starts the JVM and waits until {@code /health/ready} answers 200. */
  public NodeProcess start() {
    launch();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .ignoreExceptionsInstanceOf(IllegalStateException.class) // not listening yet; a dead process fails at once
        .until(
            () -> {
              if (!process.isAlive()) {
                throw new AssertionError("node exited with " + process.exitValue() + "; log: " + logText());
              }
              return http.get("/health/ready").statusCode() == 200;
            });
    return this;
  }

  /** SIGSTOP: the process stalls (a long GC pause, a frozen VM) until {@link #continueProcess()}. */
  public void stopProcess() {
    signal("STOP");
  }

  /** SIGCONT after {@link #stopProcess()}. */
  public void continueProcess() {
    signal("CONT");
  }

  private void signal(String name) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
      if (kill.waitFor() != 0) {
        throw new IllegalStateException("kill -" + name + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGKILL: no shutdown hook, no flush, nothing graceful. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * SIGTERM, as a supervisor stops a node: returns the exit code, or fails when the process is still running after
   * {@code within}.
   */
  public int terminate(Duration within) {
    process.destroy();
    try {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new AssertionError("node did not exit within " + within + " of SIGTERM; log: " + logText());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return process.exitValue();
  }

  /** Waits for the process to end by itself; its exit code, or empty if it still runs after {@code timeout}. */
  public OptionalInt awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
          ? OptionalInt.of(process.exitValue())
          : OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** Standard output, then standard error. */
  public String logText() {
    return stdoutText() + readOrSay(errorLog());
  }

  /** What the node wrote on standard output: its log. */
  public String stdoutText() {
    return readOrSay(log);
  }

  /** What the process wrote on standard error: nothing but a start failure's line, if any. */
  public String stderrText() {
    return readOrSay(errorLog());
  }

  private Path errorLog() {
    return log.resolveSibling(log.getFileName() + ".stderr");
  }

  private static String readOrSay(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      kill();
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static int freeUdpPort() {
    try (DatagramSocket s = new DatagramSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}

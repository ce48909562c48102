package dev.flowagg.node.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One project of a compose file run with the Docker Compose a person has ({@code docker compose}, else
 * {@code docker-compose}), plus the few {@code docker} commands a test needs beside it. Every command's output is
 * appended to a log file; {@link #close} saves the services' logs beside it and removes the project with its volumes.
 */
public final class DockerCompose implements AutoCloseable {

  /** What a service's container is doing: running, exited (with its code), or not created. */
  public record ContainerState(String status, int exitCode) {
    public boolean exited() {
      return status.equals("exited");
    }
  }

  private static final Duration QUICK = Duration.ofMinutes(2);

  private final List<String> compose;
  private final String project;
  private final Path logDir;
  private final Path log;

  private DockerCompose(List<String> compose, String project, Path logDir) {
    this.compose = compose;
    this.project = project;
    this.logDir = logDir;
    this.log = logDir.resolve("commands.log");
  }

  /**
   * Project {@code project} of {@code file}, nothing started yet; fails with what is missing when no Docker engine
   * answers or no Docker Compose is installed. Command output and service logs go under {@code logDir}.
   */
  public static DockerCompose of(Path file, String project, Path logDir) {
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Result info = exec(List.of("docker", "info", "--format", "{{.ServerVersion}}"), QUICK);
    if (info.code != 0) {
      throw new AssertionError(
          "this test runs " + file.getFileName() + " for real and needs a Docker engine that the docker client "
              + "reaches; `docker info` answered: " + info.output.strip() + "\nInstall and start one (on Debian: "
              + "apt-get install docker.io docker-compose, then start dockerd; .ci/run does both), or point DOCKER_HOST "
              + "at one. Base images that cannot be pulled can be built as local stand-ins with .ci/stand-ins/build.");
    }
    List<String> compose = List.of("docker", "compose");
    if (exec(List.of("docker", "compose", "version"), QUICK).code != 0) {
      compose = List.of("docker-compose");
      Result v1 = exec(List.of("docker-compose", "version"), QUICK);
      if (v1.code != 0) {
        throw new AssertionError(
            "this test needs Docker Compose: neither `docker compose` nor `docker-compose` runs (" + v1.output.strip()
                + "). On Debian: apt-get install docker-compose; .ci/run installs it.");
      }
    }
    List<String> command = new ArrayList<>(compose);
    command.addAll(List.of("-f", file.toString(), "-p", project));
    return new DockerCompose(List.copyOf(command), project, logDir);
  }

  public String project() {
    return project;
  }

  /** The compose command this project runs, e.g. {@code docker compose -f FILE -p NAME}, for messages. */
  public String commandLine() {
    return String.join(" ", compose);
  }

  /** Runs {@code compose ARGS}; its output, or a failure with it when it exits non-zero or outlasts the timeout. */
  public String run(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(compose);
    command.addAll(List.of(args));
    return checked(command, timeout);
  }

  /** Runs {@code docker ARGS} likewise. */
  public String docker(Duration timeout, String... args) {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    return checked(command, timeout);
  }

  /** The id of the service's container, running or not; empty when there is none. */
  public String containerId(String service) {
    return docker(QUICK, "ps", "-a", "-q", "--filter", "label=com.docker.compose.project=" + project,
        "--filter", "label=com.docker.compose.service=" + service).strip();
  }

  public ContainerState state(String service) {
    String id = containerId(service);
    if (id.isEmpty()) {
      return new ContainerState("none", -1);
    }
    String[] s = docker(QUICK, "inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", id).strip().split(" ");
    return new ContainerState(s[0], Integer.parseInt(s[1]));
  }

  /** The text of a file in the service's container (running or stopped), volumes included. */
  public String read(String service, String path) {
    try {
      Path dir = Files.createTempDirectory(logDir, "cp");
      Path target = dir.resolve(Path.of(path).getFileName());
      docker(QUICK, "cp", containerId(service) + ":" + path, target.toString());
      String text = Files.readString(target);
      Files.delete(target);
      Files.delete(dir);
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the services wrote, without compose's prefixes. */
  public String logs(String... services) {
    List<String> args = new ArrayList<>(List.of("logs", "--no-color"));
    args.addAll(List.of(services));
    return run(QUICK, args.toArray(String[]::new));
  }

  /** Writes every service's log so far to {@code fileName} in the log folder: {@code down} deletes them. */
  public void saveLogs(String fileName) {
    try {
      Files.writeString(logDir.resolve(fileName), run(QUICK, "logs", "--no-color", "--timestamps"));
    } catch (IOException | RuntimeException e) {
      appendToLog("saving the services' logs failed: " + e);
    }
  }

  /** Saves every service's log, then takes the project down with its volumes and network. */
  @Override
  public void close() {
    saveLogs("services-at-end.log");
    run(Duration.ofMinutes(3), "down", "-v", "--remove-orphans");
  }

  private String checked(List<String> command, Duration timeout) {
    Result r = exec(command, timeout);
    appendToLog("$ " + String.join(" ", command) + " (exit " + r.code + ")\n" + r.output);
    if (r.code != 0) {
      throw new IllegalStateException(
          "`" + String.join(" ", command) + "` " + (r.code == Result.TIMED_OUT ? "outlasted " + timeout : "exited " + r.code)
              + ":\n" + tail(r.output, 4000));
    }
    return r.output;
  }

  private void appendToLog(String text) {
    try {
      Files.writeString(log, text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String tail(String text, int chars) {
    return text.length() <= chars ? text : "…" + text.substring(text.length() - chars);
  }

  private record Result(int code, String output) {
    static final int TIMED_OUT = -1;
  }

  // Containers may write any bytes; a malformed sequence reads as U+FFFD.
  private static String text(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }

  /** Runs a command with standard error folded into its output; a command that cannot start exits 127. */
  private static Result exec(List<String> command, Duration timeout) {
    Path out = null;
    try {
      out = Files.createTempFile("flowagg-compose", ".out");
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
        return new Result(Result.TIMED_OUT, text(out));
      }
      return new Result(p.exitValue(), text(out));
    } catch (IOException e) {
      return new Result(127, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException ignored) {
          // a temporary file
        }
      }
    }
  }
}

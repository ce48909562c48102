package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.process.BuildInfo;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.NodeProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code flowagg} launcher at the root of the repository, run as a newcomer runs it: JAVA_HOME unset and the
 * {@code java} on PATH a JDK 17 that refuses the JVM flags the node needs. It runs in a copy of the repository's
 * layout whose Maven is a stand-in that records how it was called and "builds" by copying the real jar.
 */
class LauncherIT {

  /** A JDK 17 as far as the launcher can tell: it answers -version, and refuses what JDK 17 refuses. */
  private static final String JAVA_17 = """
      #!/bin/sh
      if [ "$1" = "-version" ]; then echo 'openjdk version "17.0.15" 2025-04-15' >&2; exit 0; fi
      echo "Unrecognized option: $1" >&2
      echo "Error: Could not create the Java Virtual Machine." >&2
      exit 1
      """;

  /** Records each call (JAVA_HOME and arguments) and makes the jar when asked to package. */
  private static final String MAVEN = """
      #!/bin/sh
      echo "$JAVA_HOME|$*" >> "$MAVEN_CALLS"
      case " $* " in
        *" package "*) mkdir -p "$CHECKOUT/node/target" && cp "$REAL_JAR" "$CHECKOUT/node/target/flowagg-node.jar" ;;
      esac
      """;

  @TempDir Path dir;
  private Path checkout;
  private Path bin;
  private Path mavenCalls;

  @BeforeEach
  void aCheckoutWithJava17OnThePath() throws IOException {
    checkout = dir.resolve("checkout");
    for (String module : List.of("config", "protocol/src/main/java", "native-agg/src/main/java", "node/src/main/java")) {
      Files.createDirectories(checkout.resolve(module));
    }
    Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
    Files.writeString(checkout.resolve("node/src/main/java/Source.java"), "class Source {}\n");
    Files.copy(Path.of(System.getProperty("flowagg.root"), "flowagg"), checkout.resolve("flowagg"));
    bin = Files.createDirectories(dir.resolve("bin"));
    script(bin.resolve("java"), JAVA_17);
    script(bin.resolve("mvn"), MAVEN);
    mavenCalls = dir.resolve("maven-calls");
    // Where SDKMAN would have put a JDK: found even where this test's JDK 25 is in no other usual place.
    Path sdkman = Files.createDirectories(dir.resolve("home/.sdkman/candidates/java"));
    Files.createSymbolicLink(sdkman.resolve("25-test"), Path.of(System.getProperty("java.home")));
  }

  private static void script(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  private record Run(int exitCode, String out, String err) {}

  private ProcessBuilder launcher(Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(checkout.resolve("flowagg").toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().keySet().removeIf(k -> k.equals("JAVA_HOME") || k.startsWith("FLOWAGG_") || k.equals("JAVA_OPTS"));
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    pb.environment().put("HOME", dir.resolve("home").toString());
    pb.environment().put("MAVEN_CALLS", mavenCalls.toString());
    pb.environment().put("CHECKOUT", checkout.toString());
    pb.environment().put("REAL_JAR", NodeProcess.jar().toString());
    pb.environment().putAll(env);
    return pb;
  }

  private Run run(String... args) throws Exception {
    Process p = launcher(Map.of(), args).start();
    p.getOutputStream().close();
    var out = p.getInputStream();
    var err = p.getErrorStream();
    String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    String stderr = new String(err.readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), stdout, stderr);
  }

  private List<String> mavenCalls() throws IOException {
    return Files.exists(mavenCalls) ? Files.readAllLines(mavenCalls) : List.of();
  }

  private static int javaMajor(String javaHome) throws Exception {
    Process p = new ProcessBuilder(Path.of(javaHome, "bin", "java").toString(), "-version").start();
    String version = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return Integer.parseInt(version.replaceAll("(?s).*? version \"(\\d+).*", "$1"));
  }

  @Test
  void buildsTheMissingJarAndRunsItWithAJdk25ThoughThePathHasJava17() throws Exception {
    Run r = run("version");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("flowagg " + BuildInfo.current().text() + "\n");
    assertThat(mavenCalls()).singleElement().satisfies(call -> {
      assertThat(call)
          .endsWith("|-B -q -ntp -f " + checkout.toRealPath().resolve("pom.xml") + " -pl node -am package -DskipTests");
      assertThat(javaMajor(call.substring(0, call.indexOf('|')))).isGreaterThanOrEqualTo(25);
    });
  }

  @Test
  void rebuildsOnlyWhenASourceIsNewerThanTheJar() throws Exception {
    assertThat(run("version").exitCode()).isZero();
    assertThat(run("--version").exitCode()).isZero();
    assertThat(mavenCalls()).hasSize(1);

    Files.setLastModifiedTime(checkout.resolve("node/src/main/java/Source.java"),
        FileTime.from(Instant.now().plus(Duration.ofHours(1))));
    assertThat(run("version").exitCode()).isZero();

    assertThat(mavenCalls()).hasSize(2);
  }

  @Test
  void theTestCommandRunsMavenVerifyWithTheJdk25AndItsArguments() throws Exception {
    Run r = run("test", "-Dit.test=LauncherIT");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(mavenCalls()).singleElement().satisfies(call -> {
      assertThat(call).endsWith("|-B -ntp verify -Dit.test=LauncherIT");
      assertThat(javaMajor(call.substring(0, call.indexOf('|')))).isGreaterThanOrEqualTo(25);
    });
  }

  @Test
  void argumentsAndExitCodesPassThrough() throws Exception {
    Run missing = run("vpc-report", "--flow-log", "no-such.log", "--lookup", "no-such.csv");
    Run misspelt = run("serv");

    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).endsWith("vpc-report: cannot read the flow log no-such.log: no such file\n");
    assertThat(misspelt.exitCode()).isEqualTo(ExitCode.USAGE.code());
  }

  @Test
  void aMissingMavenIsOneLineAndItsOwnExitCode() throws Exception {
    Files.delete(bin.resolve("mvn"));
    // Only the tools the launcher uses, so that no Maven installed on this machine is found either.
    Path tools = Files.createDirectories(dir.resolve("tools"));
    for (String tool : List.of("bash", "env", "sed", "head", "find", "dirname", "readlink")) {
      Files.createSymbolicLink(tools.resolve(tool), Path.of(which(tool)));
    }
    Process p = launcher(Map.of("PATH", bin + ":" + tools), "version").start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(30, TimeUnit.SECONDS);

    assertThat(p.exitValue()).isEqualTo(11);
    assertThat(err).isEqualTo("flowagg: building the node jar needs Maven 3.8 or newer (mvn on PATH): install it"
        + " (e.g. apt-get install maven)\n");
  }

  @Test
  void aNodeItStartsServesAndStopsWithZeroOnSigterm() throws Exception {
    assertThat(run("version").exitCode()).isZero();
    int httpPort = NodeProcess.freePort();
    ProcessBuilder pb = launcher(Map.of(
        "FLOWAGG_HTTP_HOST", "127.0.0.1", "FLOWAGG_HTTP_PORT", Integer.toString(httpPort),
        "FLOWAGG_CLUSTER_PORT", Integer.toString(NodeProcess.freePort()), "FLOWAGG_NETFLOW_PORT", "0",
        "FLOWAGG_DATA_DIR", dir.resolve("data").toString()));
    pb.redirectOutput(dir.resolve("node.log").toFile()).redirectErrorStream(true);
    Process node = pb.start();
    try {
      HttpApi http = new HttpApi("http://127.0.0.1:" + httpPort);
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> node.isAlive() && http.get("/health/ready").statusCode() == 200);

      node.destroy();

      assertThat(node.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(node.exitValue()).as(Files.readString(dir.resolve("node.log"))).isZero();
    } finally {
      node.destroyForcibly();
    }
  }

  private static String which(String tool) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
    String path = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    p.waitFor();
    return Path.of(path).toRealPath().toString();
  }
}

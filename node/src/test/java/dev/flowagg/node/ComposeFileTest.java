package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.cli.SendCommand;
import dev.flowagg.node.testing.InProcessNode;
import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code docker-compose.cluster.yml} and the {@code Dockerfile} checked against the code in seconds, without Docker:
 * the services are there, every FLOWAGG_* variable it sets is one the node reads, health checks call a real endpoint,
 * ports line up, the sender runs a command line the jar accepts, and a stop waits out the node's own shutdown.
 * {@link ComposeClusterIT} runs the file for real.
 */
class ComposeFileTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final List<String> NODES = List.of("node1", "node2", "node3");

  private static JsonNode compose() throws IOException {
    return new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.cluster.yml").toFile());
  }

  /** The FLOWAGG_* variables the node reads: those named in its configuration. */
  private static Set<String> variablesTheNodeReads() throws IOException {
    Set<String> vars = new TreeSet<>();
    Matcher m = Pattern.compile("\\$\\{\\?(FLOWAGG_[A-Z0-9_]+)}").matcher(Files.readString(ROOT.resolve("config/flowagg.conf")));
    while (m.find()) {
      vars.add(m.group(1));
    }
    return vars;
  }

  private static Map<String, String> env(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    service.path("environment").properties().forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  @Test
  void definesPostgresThreeNodesAndASender() throws IOException {
    assertThat(iterable(compose().path("services").fieldNames()))
        .containsExactlyInAnyOrder("postgres", "node1", "node2", "node3", "sender");
  }

  @Test
  void everyVariableANodeIsGivenIsOneItReads() throws IOException {
    Set<String> known = variablesTheNodeReads();
    assertThat(known).contains("FLOWAGG_DB_URL", "FLOWAGG_SEED_NODES", "FLOWAGG_NETFLOW_PORT");
    for (String node : NODES) {
      assertThat(known).as(node).containsAll(env(compose().path("services").path(node)).keySet());
    }
  }

  @Test
  void portsAndSeedsLineUp() throws IOException {
    JsonNode services = compose().path("services");
    for (String node : NODES) {
      JsonNode service = services.path(node);
      Map<String, String> env = env(service);
      List<String> ports = new ArrayList<>();
      service.path("ports").forEach(p -> ports.add(p.asText()));
      assertThat(ports).anySatisfy(p -> assertThat(p).endsWith(":" + env.get("FLOWAGG_HTTP_PORT")));
      assertThat(ports).anySatisfy(p -> assertThat(p).endsWith(":" + env.get("FLOWAGG_NETFLOW_PORT") + "/udp"));
      assertThat(env.get("FLOWAGG_CLUSTER_HOST")).isEqualTo(service.path("hostname").asText());
      for (String seed : env.get("FLOWAGG_SEED_NODES").split(",")) {
        String[] hostPort = seed.split(":");
        assertThat(NODES).contains(hostPort[0]);
        assertThat(env(services.path(hostPort[0])).get("FLOWAGG_CLUSTER_PORT")).isEqualTo(hostPort[1]);
      }
      assertThat(env.get("FLOWAGG_DB_URL")).startsWith("jdbc:postgresql://postgres:5432/");
      assertThat(env.get("FLOWAGG_DB_URL"))
          .endsWith("/" + services.path("postgres").path("environment").path("POSTGRES_DB").asText());
      assertThat(env.get("FLOWAGG_DB_USER"))
          .isEqualTo(services.path("postgres").path("environment").path("POSTGRES_USER").asText());
    }
  }

  @Test
  void healthChecksCallAnEndpointThatAnswersWhenReady() throws IOException {
    JsonNode services = compose().path("services");
    Pattern url = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)(/\\S*)");
    try (InProcessNode node = InProcessNode.start()) {
      for (String name : NODES) {
        String check = services.path(name).path("healthcheck").path("test").get(1).asText();
        Matcher m = url.matcher(check);
        assertThat(m.find()).as(check).isTrue();
        assertThat(m.group(1)).isEqualTo(env(services.path(name)).get("FLOWAGG_HTTP_PORT"));
        assertThat(node.http.get(m.group(2)).statusCode()).isEqualTo(200);
      }
    }
  }

  /** The arguments after {@code flowagg-node.jar} in the sender's script, quotes removed. */
  static List<String> senderJarArguments(JsonNode services) {
    String script = services.path("sender").path("command").get(0).asText().replace("\\\n", " ");
    Matcher m = Pattern.compile("flowagg-node\\.jar\\s+(.*)").matcher(script);
    assertThat(m.find()).as("the sender's script runs the jar: %s", script).isTrue();
    List<String> args = new ArrayList<>();
    for (String word : m.group(1).strip().split("\\s+")) {
      args.add(word.replace("\"", ""));
    }
    return args;
  }

  @Test
  void theSenderRunsACommandOfTheJarAgainstANodesNetflowPort() throws IOException {
    JsonNode services = compose().path("services");
    List<String> command = senderJarArguments(services);
    assertThat(new CommandLine(new Main()).getSubcommands()).containsKey(command.getFirst());
    new CommandLine(new SendCommand()).parseArgs(command.subList(1, command.size()).toArray(String[]::new));
    String target = command.get(command.indexOf("--target") + 1);
    String[] hostPort = target.split(":");
    assertThat(NODES).contains(hostPort[0]);
    assertThat(env(services.path(hostPort[0])).get("FLOWAGG_NETFLOW_PORT")).isEqualTo(hostPort[1]);
    assertThat(command).as("totals go to a file, not to the log").contains("--totals");
  }

  @Test
  void theSenderWaitsForEveryNodeAndHasAHealthCheckOfItsOwn() throws IOException {
    JsonNode sender = compose().path("services").path("sender");
    for (String node : NODES) {
      assertThat(sender.path("depends_on").path(node).path("condition").asText()).isEqualTo("service_healthy");
    }
    String script = sender.path("command").get(0).asText();
    assertThat(script).contains("/cluster").contains("-eq " + NODES.size());
    String check = sender.path("healthcheck").path("test").toString();
    assertThat(check).isNotEmpty().doesNotContain("8080");
  }

  @Test
  void everyServiceHasAHealthCheck() throws IOException {
    compose().path("services").properties().forEach(
        service -> assertThat(service.getValue().path("healthcheck").path("test").isArray()).as(service.getKey()).isTrue());
  }

  @Test
  void aStopWaitsLongerThanTheNodesShutdownDeadline() throws IOException {
    Duration deadline =
        ConfigFactory.parseFile(ROOT.resolve("config/flowagg.conf").toFile()).resolve().getDuration("flowagg.shutdown.deadline");
    for (String node : NODES) {
      String grace = compose().path("services").path(node).path("stop_grace_period").asText();
      assertThat(ConfigFactory.parseString("grace = " + grace).getDuration("grace")).as(node).isGreaterThan(deadline);
    }
  }

  @Test
  void theMountedClassificationFileGivesEveryExporterOneVpc() throws IOException {
    for (String node : NODES) {
      JsonNode service = compose().path("services").path(node);
      String inContainer = env(service).get("FLOWAGG_CLASSIFICATION_FILE");
      String mount = null;
      for (JsonNode volume : service.path("volumes")) {
        String[] parts = volume.asText().split(":");
        if (parts[1].equals(inContainer)) {
          mount = parts[0];
        }
      }
      assertThat(mount).as(node + " mounts " + inContainer).startsWith("./config/");
      ClassificationRules rules = ClassificationRules.load(ROOT.resolve(mount));
      Set<String> vpcs = new TreeSet<>();
      for (String exporter : List.of("172.18.0.6", "172.29.0.1", "192.168.16.2", "10.0.0.7", "fd00::2")) {
        vpcs.add(rules.vpcOfExporter(IpAddress.parse(exporter)));
      }
      assertThat(vpcs).as(mount).hasSize(1).noneMatch(v -> v.contains("."));
    }
  }

  @Test
  void theDockerfileRunsTheJarTheBuildMakes() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertThat(dockerfile).contains("node/target/flowagg-node.jar").contains("--sun-misc-unsafe-memory-access=allow");
    assertThat(dockerfile).contains("EXPOSE 8080 2551 2055/udp");
    assertThat(dockerfile).as("every kernel build the loader picks from").contains("x86-64-v3", "x86-64-v4");
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}

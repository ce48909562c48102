package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.flowagg.node.testing.InProcessNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * No Docker engine runs where the tests run, so {@code docker-compose.cluster.yml} is checked against the code:
 * the services are there, every FLOWAGG_* variable it sets is one the node reads, health checks call a real endpoint,
 * ports line up, and the sender runs a command the jar has.
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

  @Test
  void theSenderRunsACommandOfTheJarAgainstANodesNetflowPort() throws IOException {
    JsonNode services = compose().path("services");
    List<String> command = new ArrayList<>();
    services.path("sender").path("command").forEach(c -> command.add(c.asText()));
    assertThat(new CommandLine(new Main()).getSubcommands()).containsKey(command.getFirst());
    String target = command.get(command.indexOf("--target") + 1);
    String[] hostPort = target.split(":");
    assertThat(NODES).contains(hostPort[0]);
    assertThat(env(services.path(hostPort[0])).get("FLOWAGG_NETFLOW_PORT")).isEqualTo(hostPort[1]);
  }

  @Test
  void theDockerfileRunsTheJarTheBuildMakes() throws IOException {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    assertThat(dockerfile).contains("node/target/flowagg-node.jar").contains("--sun-misc-unsafe-memory-access=allow");
    assertThat(dockerfile).contains("EXPOSE 8080 2551 2055/udp");
  }

  private static <T> List<T> iterable(java.util.Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }
}

package dev.flowagg.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.flowagg.node.process.BuildInfo;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.IoReason;
import dev.flowagg.node.process.StartFailure;
import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.H2DataSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Loads the node's configuration: the {@code flowagg.conf} the jar carries, under the file named by
 * {@code -Dconfig.file} when there is one (which then needs to hold only what it changes), with {@code FLOWAGG_*}
 * environment variables, system properties and programmatic overrides on top; then fills in the Pekko settings that
 * follow from the flowagg ones.
 */
public final class NodeConfig {

  private NodeConfig() {}

  /** The resolved configuration and the settings read from it, once. */
  public record Loaded(Config config, NodeSettings settings) {}

  public static Loaded load(Config overrides) {
    Config resolved = resolve(overrides);
    NodeSettings settings = NodeSettings.from(resolved);
    return new Loaded(derived(settings.database(), BuildInfo.current()).withFallback(resolved), settings);
  }

  /** The configuration with every override applied and substituted, before any setting is checked. */
  public static Config resolve(Config overrides) {
    Config packaged = ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "flowagg.conf");
    String file = System.getProperty("config.file");
    return ConfigFactory.load(overrides.withFallback(file == null ? packaged : parseFile(file).withFallback(packaged)));
  }

  private static Config parseFile(String file) {
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new StartFailure(
          ExitCode.UNUSABLE_FILE,
          "-Dconfig.file=" + file + ": cannot read it: " + IoReason.of(e) + "; fix the path or leave -Dconfig.file out");
    }
    try {
      return ConfigFactory.parseString(text, ConfigParseOptions.defaults().setOriginDescription(file));
    } catch (ConfigException e) {
      throw new StartFailure(ExitCode.UNUSABLE_FILE, "-Dconfig.file=" + file + ": not valid HOCON: " + e.getMessage());
    }
  }

  private static Config derived(DatabaseSettings db, BuildInfo build) {
    String prefix = "pekko-persistence-jdbc.shared-databases.flowagg.";
    Map<String, Object> connections = db.kind() == DatabaseSettings.Kind.H2
        ? Map.of(
            // The plugin's connections come from the node's H2 source, so that H2Restart knows their database; and
            // they are tested with a query (see Database): a session of an H2 database stopped by a failed write
            // looks valid but answers nothing.
            prefix + "db.dataSourceClass", H2DataSource.class.getName(),
            prefix + "db.properties.URL", db.url(),
            prefix + "db.properties.user", db.user(),
            prefix + "db.properties.password", db.password(),
            prefix + "db.connectionTestQuery", Database.H2_TEST_QUERY)
        : Map.of(
            prefix + "db.url", db.url(),
            prefix + "db.driver", db.kind().driver);
    return ConfigFactory.parseMap(connections).withFallback(ConfigFactory.parseMap(
        Map.of(
            // Every member sees every other's app-version: GET /cluster shows each one's version and commit.
            "pekko.cluster.app-version", build.appVersion(),
            prefix + "profile", db.kind().slickProfile,
            prefix + "db.user", db.user(),
            prefix + "db.password", db.password())));
  }
}

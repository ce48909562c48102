package dev.flowagg.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.settings.DatabaseSettings;
import dev.flowagg.node.settings.NodeSettings;
import java.util.Map;

/**
 * Loads the node's configuration: {@code flowagg.conf} (or the file named by {@code -Dconfig.file}), with
 * {@code FLOWAGG_*} environment variables, system properties and programmatic overrides on top, then fills in the
 * Pekko settings that follow from the flowagg ones.
 */
public final class NodeConfig {

  private NodeConfig() {}

  /** The resolved configuration and the settings read from it, once. */
  public record Loaded(Config config, NodeSettings settings) {}

  public static Loaded load(Config overrides) {
    Config file =
        System.getProperty("config.file") != null
            ? ConfigFactory.parseFile(new java.io.File(System.getProperty("config.file")))
            : ConfigFactory.parseResources(NodeConfig.class.getClassLoader(), "flowagg.conf");
    Config resolved = ConfigFactory.load(overrides.withFallback(file));
    NodeSettings settings = NodeSettings.from(resolved);
    return new Loaded(derived(settings.database()).withFallback(resolved), settings);
  }

  private static Config derived(DatabaseSettings db) {
    String prefix = "pekko-persistence-jdbc.shared-databases.flowagg.";
    return ConfigFactory.parseMap(
        Map.of(
            prefix + "profile", db.kind().slickProfile,
            prefix + "db.url", db.url(),
            prefix + "db.user", db.user(),
            prefix + "db.password", db.password(),
            prefix + "db.driver", db.kind().driver));
  }
}

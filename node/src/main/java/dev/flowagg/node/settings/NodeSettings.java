package dev.flowagg.node.settings;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Every setting of a node, read once from the configuration (HOCON with FLOWAGG_* environment overrides). */
public record NodeSettings(
    String httpHost,
    int httpPort,
    long maxBodyBytes,
    int maxRecordsPerRequest,
    Duration requestTimeout,
    Path dataDir,
    Optional<Path> classificationFile,
    Optional<Path> lookupFile,
    String clusterHost,
    int clusterPort,
    List<String> seedNodes,
    DatabaseSettings database,
    IngestSettings ingest,
    AggregateSettings aggregate,
    RetentionSettings retention,
    long queryCacheBytes,
    SecuritySettings security,
    IdempotencySettings idempotency,
    ShutdownSettings shutdown) {

  /** Tuning of the flow slices. */
  public record AggregateSettings(
      int snapshotEvery, int rememberedWrites, Duration reservationTimeout, Duration tupleMemory) {}

  /** Reads {@code flowagg.*} from a resolved configuration. */
  public static NodeSettings from(Config config) {
    FlowaggConfig f = FlowaggConfig.of(config, "flowagg");
    Path dataDir = Path.of(f.getString("data-dir")).toAbsolutePath().normalize();
    return new NodeSettings(
        f.getString("http.host"),
        f.getPort("http.port"),
        f.getBytes("http.max-body-bytes"),
        f.getInt("http.max-records-per-request"),
        f.getDuration("http.request-timeout"),
        dataDir,
        optionalPath(f.getString("classification-file")),
        optionalPath(f.getString("lookup-file")),
        f.getString("cluster.host"),
        f.getPort("cluster.port"),
        parseSeedNodes(f.getString("cluster.seed-nodes")),
        DatabaseSettings.from(f, dataDir),
        IngestSettings.from(f.getConfig("ingest")),
        new AggregateSettings(
            f.getInt("aggregate.snapshot-every"),
            f.getInt("aggregate.remembered-writes"),
            f.getDuration("aggregate.reservation-timeout"),
            f.getDuration("aggregate.tuple-memory")),
        RetentionSettings.from(f.getConfig("retention")),
        f.getBytes("query.cache-size"),
        SecuritySettings.from(f.getConfig("security")),
        IdempotencySettings.from(f.getConfig("idempotency")),
        ShutdownSettings.from(f.getConfig("shutdown")));
  }

  private static Optional<Path> optionalPath(String value) {
    return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
  }

  /** {@code "a:2551, b:2551"} into Pekko addresses of the flowagg actor system. */
  static List<String> parseSeedNodes(String commaSeparated) {
    return Arrays.stream(commaSeparated.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(
            hostPort -> {
              int colon = hostPort.lastIndexOf(':');
              if (colon <= 0 || !isPort(hostPort.substring(colon + 1))) {
                throw new IllegalArgumentException(
                    "FLOWAGG_SEED_NODES: '" + hostPort + "' is not host:port (a port from 1 to 65535)");
              }
              return "pekko://" + ActorSystemName.NAME + "@" + hostPort;
            })
        .toList();
  }

  private static boolean isPort(String text) {
    return text.matches("[0-9]{1,5}") && Integer.parseInt(text) >= 1 && Integer.parseInt(text) <= 65535;
  }
}

package dev.flowagg.node.settings;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where events and snapshots are stored: PostgreSQL when {@code FLOWAGG_DB_URL} is set, else an embedded H2 file
 * database under the data directory; and how long a starting node waits for an unreachable database.
 */
public record DatabaseSettings(
    Kind kind, String url, String user, String password, Duration startTimeout, int poolSize) {

  /** The supported databases, with what Slick and Flyway need to know of each. */
  public enum Kind {
    H2("slick.jdbc.H2Profile$", "org.h2.Driver", "h2"),
    POSTGRESQL("slick.jdbc.PostgresProfile$", "org.postgresql.Driver", "postgresql");

    public final String slickProfile;
    public final String driver;
    public final String migrationFolder;

    Kind(String slickProfile, String driver, String migrationFolder) {
      this.slickProfile = slickProfile;
      this.driver = driver;
      this.migrationFolder = migrationFolder;
    }
  }

  // H2: WRITE_DELAY=0 makes each commit reach the file before the write is acknowledged (a killed process loses
  // nothing it answered for); DB_CLOSE_ON_EXIT=FALSE leaves closing to our own shutdown, after the last write;
  // a 128 MiB page cache keeps the journal's index pages in memory under write load. RETENTION_TIME: the space of a
  // dead chunk is reused once it is 5 s old (H2's default, 45 s, kept ~2.4 GB of dead chunks for 100 000 tuples
  // under steady load); the node forces the file to the disk every second (H2FileUpkeep), so those chunks are long
  // on the disk by then.
  private static final String H2_OPTIONS =
      ";WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;CACHE_SIZE=131072;RETENTION_TIME=5000";

  static DatabaseSettings from(FlowaggConfig flowagg, Path dataDir) {
    String url = flowagg.getString("db.url");
    Duration startTimeout = flowagg.getDuration("db.start-timeout");
    if (startTimeout.isNegative()) {
      throw new IllegalArgumentException("FLOWAGG_DB_START_TIMEOUT must not be negative, not " + startTimeout);
    }
    if (url.isBlank()) {
      String file = dataDir.resolve("flowagg").toString();
      return new DatabaseSettings(
          Kind.H2, "jdbc:h2:file:" + file + H2_OPTIONS, "sa", "", startTimeout, poolSize(flowagg));
    }
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "FLOWAGG_DB_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), not '" + url + "'");
    }
    return new DatabaseSettings(
        Kind.POSTGRESQL, url, flowagg.getString("db.user"), flowagg.getString("db.password"), startTimeout,
        poolSize(flowagg));
  }

  private static int poolSize(FlowaggConfig flowagg) {
    int n = flowagg.getInt("db.pool-size");
    if (n < 1) {
      throw new IllegalArgumentException("flowagg.db.pool-size must be at least 1, not " + n);
    }
    return n;
  }

  /** For the start log: {@code PostgreSQL jdbc:postgresql://db:5432/flowagg as flowagg}, or the H2 file. */
  public String description() {
    return switch (kind) {
      case H2 -> "H2 " + url.substring("jdbc:h2:file:".length(), url.indexOf(';')) + ".mv.db";
      case POSTGRESQL -> "PostgreSQL " + url + " as " + user;
    };
  }

  /** The password never appears in logs. */
  @Override
  public String toString() {
    return "DatabaseSettings[kind=" + kind + ", url=" + url + ", user=" + user + ", startTimeout=" + startTimeout + "]";
  }
}

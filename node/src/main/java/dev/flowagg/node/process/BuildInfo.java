package dev.flowagg.node.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The build a process runs: the project version and the git commit it was built from, as the Maven build wrote them
 * into {@code flowagg-build.properties}; {@code unknown} for what the build could not tell (no git, or classes run
 * outside the jar).
 */
public record BuildInfo(String version, String commit) {

  static final String UNKNOWN = "unknown";
  private static final String RESOURCE = "flowagg-build.properties";
  private static final BuildInfo CURRENT = read();

  /** The build of this process. */
  public static BuildInfo current() {
    return CURRENT;
  }

  /** What {@code --version}, {@code version}, the start log and the metrics say: {@code 0.1.0 (commit 3f2a1b9c4d5e)}. */
  public String text() {
    return version + " (commit " + commit + ")";
  }

  /**
   * The version and commit as Pekko's {@code pekko.cluster.app-version}, which every member of a cluster sees of every
   * other: {@code 0.1.0+3f2a1b9c4d5e}, the version and build metadata joined by {@code +} as Pekko's version parser
   * expects.
   */
  public String appVersion() {
    return version + "+" + commit;
  }

  /** Reads a member's {@link #appVersion()} back; a member that gave none (Pekko's {@code 0.0.0}) is unknown. */
  public static BuildInfo fromAppVersion(String appVersion) {
    int plus = appVersion.lastIndexOf('+');
    return plus < 0
        ? new BuildInfo(appVersion, UNKNOWN)
        : new BuildInfo(appVersion.substring(0, plus), appVersion.substring(plus + 1));
  }

  private static BuildInfo read() {
    Properties build = new Properties();
    try (InputStream in = BuildInfo.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      // An unreadable resource in our own jar says as little as a missing one.
    }
    return new BuildInfo(valueOrUnknown(build, "version"), valueOrUnknown(build, "commit"));
  }

  private static String valueOrUnknown(Properties build, String key) {
    String value = build.getProperty(key, "").strip();
    return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
  }
}

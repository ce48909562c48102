package dev.flowagg.node.logging;

import java.util.Locale;

/**
 * How the node writes its log (flowagg.log-format, FLOWAGG_LOG_FORMAT): lines for people, or one JSON object per line
 * for log shippers.
 */
public enum LogFormat {
  TEXT,
  JSON;

  public static final String VARIABLE = "FLOWAGG_LOG_FORMAT";
  // The log encoder starts with logback, before the node's settings are read: the setting reaches it through this.
  private static final String PROPERTY = "flowagg.log-format";

  /** Checks the configured format and has the log written in it; call before anything logs. */
  public static void select(String configured) {
    System.setProperty(PROPERTY, parse(configured).name());
  }

  /** The format {@link #select} chose, else what FLOWAGG_LOG_FORMAT asks for; text when neither says. */
  public static LogFormat selected() {
    String chosen = System.getProperty(PROPERTY);
    return parse(chosen != null ? chosen : System.getenv(VARIABLE));
  }

  static LogFormat parse(String value) {
    if (value == null || value.isBlank()) {
      return TEXT;
    }
    return switch (value.trim().toLowerCase(Locale.ROOT)) {
      case "text" -> TEXT;
      case "json" -> JSON;
      default -> throw new IllegalArgumentException(VARIABLE + " must be text or json, not '" + value + "'");
    };
  }
}

package dev.flowagg.node.logging;

import java.util.Locale;

/** How the node writes its log (FLOWAGG_LOG_FORMAT): lines for people, or one JSON object per line for log shippers. */
public enum LogFormat {
  TEXT,
  JSON;

  public static final String VARIABLE = "FLOWAGG_LOG_FORMAT";

  /** The format FLOWAGG_LOG_FORMAT asks for; text when it is unset or empty. */
  public static LogFormat fromEnvironment() {
    return parse(System.getenv(VARIABLE));
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

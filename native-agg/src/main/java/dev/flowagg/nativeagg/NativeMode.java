package dev.flowagg.nativeagg;

import java.util.Locale;

/** The {@code FLOWAGG_NATIVE} setting: use the native kernel when it loads ({@code auto}), always, or never. */
public enum NativeMode {
  AUTO,
  ON,
  OFF;

  /** The environment variable that holds the mode. */
  public static final String ENVIRONMENT_VARIABLE = "FLOWAGG_NATIVE";

  /** Parses {@code auto}, {@code on} or {@code off} (any case; blank or null means auto). */
  public static NativeMode parse(String text) {
    if (text == null || text.isBlank()) {
      return AUTO;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "on", "true", "1" -> ON;
      case "off", "false", "0" -> OFF;
      default -> throw new IllegalArgumentException(
          ENVIRONMENT_VARIABLE + " must be auto, on or off, not '" + text + "'");
    };
  }

  /** The mode the environment asks for. */
  public static NativeMode fromEnvironment() {
    return parse(System.getenv(ENVIRONMENT_VARIABLE));
  }
}

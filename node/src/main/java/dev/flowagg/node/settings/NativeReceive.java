package dev.flowagg.node.settings;

import java.util.Locale;

/**
 * The {@code FLOWAGG_NATIVE_RECEIVE} setting: take NetFlow datagrams with the native library's batched receive
 * ({@code recvmmsg}) whenever the native kernel is in use ({@code auto}), or always through a Java
 * {@code DatagramChannel} ({@code off}).
 */
public enum NativeReceive {
  AUTO,
  OFF;

  /** The environment variable that holds the mode. */
  public static final String ENVIRONMENT_VARIABLE = "FLOWAGG_NATIVE_RECEIVE";

  /** Parses {@code auto} or {@code off} (any case; blank or null means auto). */
  public static NativeReceive parse(String text) {
    if (text == null || text.isBlank()) {
      return AUTO;
    }
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "auto" -> AUTO;
      case "off", "false", "0" -> OFF;
      default -> throw new IllegalArgumentException(
          ENVIRONMENT_VARIABLE + " must be auto or off, not '" + text + "'");
    };
  }
}

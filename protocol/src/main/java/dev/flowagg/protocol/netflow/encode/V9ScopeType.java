package dev.flowagg.protocol.netflow.encode;

/** NetFlow v9 options scope field types (RFC 3954 §6.1), numbered apart from the ordinary field types. */
public enum V9ScopeType {
  SYSTEM(1),
  INTERFACE(2),
  LINE_CARD(3),
  CACHE(4),
  TEMPLATE(5);

  private final int code;

  V9ScopeType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}

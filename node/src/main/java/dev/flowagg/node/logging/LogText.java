package dev.flowagg.node.logging;

/** Text from a client made safe for a log line: control characters replaced, length capped. */
public final class LogText {

  private LogText() {}

  public static String printable(String text, int maxLength) {
    StringBuilder b = new StringBuilder(Math.min(text.length(), maxLength) + 1);
    for (int i = 0; i < text.length() && b.length() < maxLength; i++) {
      char c = text.charAt(i);
      b.append(Character.isISOControl(c) ? '?' : c);
    }
    if (text.length() > maxLength) {
      b.append('…');
    }
    return b.toString();
  }
}

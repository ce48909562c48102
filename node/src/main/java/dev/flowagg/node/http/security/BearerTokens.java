package dev.flowagg.node.http.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A set of bearer tokens, kept only as SHA-256 digests and compared in constant time: a presented token is hashed to
 * the same fixed length and checked against every digest without stopping early, so neither a token's length nor its
 * position in the list shows in the time an answer takes. Never prints a token.
 */
public final class BearerTokens {

  private static final BearerTokens NONE = new BearerTokens(new byte[0][]);

  private final byte[][] digests;

  private BearerTokens(byte[][] digests) {
    this.digests = digests;
  }

  public static BearerTokens none() {
    return NONE;
  }

  /**
   * Parses a comma-separated list; blanks around and between entries are ignored. {@code variable} names the setting
   * in errors, which say which entry is wrong (by position, never by its text).
   */
  public static BearerTokens parse(String variable, String commaSeparated) {
    List<byte[]> digests = new ArrayList<>();
    String[] entries = commaSeparated.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String token = entries[i].strip();
      if (token.isEmpty()) {
        continue;
      }
      if (!isToken68(token)) {
        throw new IllegalArgumentException(
            variable + ": entry " + (i + 1) + " has a character a bearer token cannot carry (allowed: letters, digits"
                + " and - . _ ~ + / =, RFC 6750 §2.1)");
      }
      digests.add(digest(token));
    }
    return digests.isEmpty() ? NONE : new BearerTokens(digests.toArray(new byte[0][]));
  }

  public boolean isEmpty() {
    return digests.length == 0;
  }

  public int size() {
    return digests.length;
  }

  /** The position of the token whose digest is {@code presented}, or -1; looks at every digest whatever it finds. */
  int indexOf(byte[] presented) {
    int found = -1;
    for (int i = 0; i < digests.length; i++) {
      boolean equal = MessageDigest.isEqual(digests[i], presented);
      found = equal ? i : found;
    }
    return found;
  }

  /** Whether {@code token} is one of these. */
  public boolean contains(String token) {
    return indexOf(digest(token)) >= 0;
  }

  static byte[] digest(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
  static boolean isToken68(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == '=') {
      end--;
    }
    if (end == 0) {
      return false;
    }
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return digests.length + (digests.length == 1 ? " token" : " tokens");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BearerTokens other && Arrays.deepEquals(digests, other.digests);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(digests);
  }
}

package dev.flowagg.protocol.text;

/**
 * Checks that bytes are well-formed UTF-8 (Unicode §3.9, Table 3-7): no overlong encodings, no encoded surrogates,
 * nothing above U+10FFFF, no sequence cut short. Java's own decoder finds the same errors but does not say which;
 * this names the first one and where it is.
 */
public final class StrictUtf8 {

  private StrictUtf8() {}

  /** Why {@code bytes} are not well-formed UTF-8, naming the first bad sequence and its offset; null when they are. */
  public static String problemOf(byte[] bytes) {
    int i = 0;
    while (i < bytes.length) {
      int lead = bytes[i] & 0xFF;
      if (lead < 0x80) {
        i++;
        continue;
      }
      int length;
      // The range the second byte must fall in; the bytes after it are any continuation byte (0x80..0xBF).
      int secondLow = 0x80;
      int secondHigh = 0xBF;
      String outOfRange;
      if (lead < 0xC2) {
        if (lead < 0xC0) {
          return "a continuation byte (" + hex(lead) + ") with no lead byte before it at byte " + i;
        }
        return "an overlong encoding (" + hex(bytes, i, 2) + ") at byte " + i;
      } else if (lead < 0xE0) {
        length = 2;
        outOfRange = null;
      } else if (lead < 0xF0) {
        length = 3;
        if (lead == 0xE0) {
          secondLow = 0xA0;
          outOfRange = "an overlong encoding";
        } else if (lead == 0xED) {
          secondHigh = 0x9F;
          outOfRange = "an encoded surrogate (U+D800 to U+DFFF)";
        } else {
          outOfRange = null;
        }
      } else if (lead < 0xF5) {
        length = 4;
        if (lead == 0xF0) {
          secondLow = 0x90;
          outOfRange = "an overlong encoding";
        } else if (lead == 0xF4) {
          secondHigh = 0x8F;
          outOfRange = "a code point above U+10FFFF";
        } else {
          outOfRange = null;
        }
      } else {
        return "a byte that never occurs in UTF-8 (" + hex(lead) + ") at byte " + i;
      }
      for (int k = 1; k < length; k++) {
        if (i + k == bytes.length || !isContinuation(bytes[i + k])) {
          return "a sequence cut short (" + hex(bytes, i, k) + ") at byte " + i;
        }
      }
      int second = bytes[i + 1] & 0xFF;
      if (second < secondLow || second > secondHigh) {
        return outOfRange + " (" + hex(bytes, i, length) + ") at byte " + i;
      }
      i += length;
    }
    return null;
  }

  private static boolean isContinuation(byte b) {
    return (b & 0xC0) == 0x80;
  }

  private static String hex(int b) {
    return String.format("0x%02X", b);
  }

  /** Up to {@code count} bytes from {@code from}, as far as the array goes: "0xC0 0xAF". */
  private static String hex(byte[] bytes, int from, int count) {
    StringBuilder sb = new StringBuilder();
    for (int k = from; k < Math.min(bytes.length, from + count); k++) {
      sb.append(k == from ? "" : " ").append(hex(bytes[k] & 0xFF));
    }
    return sb.toString();
  }
}

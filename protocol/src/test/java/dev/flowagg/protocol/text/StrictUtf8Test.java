package dev.flowagg.protocol.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictUtf8Test {

  private static byte[] bytes(String hex) {
    return HexFormat.of().parseHex(hex.replace(" ", ""));
  }

  @Test
  void everyCodePointEncodedByJavaIsWellFormed() {
    StringBuilder all = new StringBuilder();
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
        all.appendCodePoint(cp);
      }
    }

    assertThat(StrictUtf8.problemOf(all.toString().getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      overlong slash in a/b      | 61 C0 AF 62  | an overlong encoding (0xC0 0xAF) at byte 1
      overlong three-byte slash  | E0 80 AF     | an overlong encoding (0xE0 0x80 0xAF) at byte 0
      overlong four-byte         | F0 8F BF BF  | an overlong encoding (0xF0 0x8F 0xBF 0xBF) at byte 0
      encoded surrogate U+D800   | 41 ED A0 80  | an encoded surrogate (U+D800 to U+DFFF) (0xED 0xA0 0x80) at byte 1
      above U+10FFFF             | F4 90 80 80  | a code point above U+10FFFF (0xF4 0x90 0x80 0x80) at byte 0
      lone continuation byte     | 61 80        | a continuation byte (0x80) with no lead byte before it at byte 1
      byte never in UTF-8        | FF           | a byte that never occurs in UTF-8 (0xFF) at byte 0
      sequence cut by the end    | 61 E2 82     | a sequence cut short (0xE2 0x82) at byte 1
      sequence cut by ASCII      | E2 41 82 AC  | a sequence cut short (0xE2) at byte 0
      """)
  void namesTheFirstProblemAndWhereItIs(String name, String hex, String problem) {
    assertThat(StrictUtf8.problemOf(bytes(hex))).isEqualTo(problem);
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    SplittableRandom random = new SplittableRandom(16);
    int invalid = 0;
    for (int n = 0; n < 200_000; n++) {
      byte[] b = new byte[random.nextInt(8)];
      for (int i = 0; i < b.length; i++) {
        // Mostly bytes around the boundaries of Table 3-7, so every rule is met often.
        int[] edges = {0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED,
            0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF};
        b[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : edges[random.nextInt(edges.length)]);
      }
      boolean jdk = decodesStrictly(b);
      assertThat(StrictUtf8.problemOf(b) == null).as(HexFormat.ofDelimiter(" ").formatHex(b)).isEqualTo(jdk);
      invalid += jdk ? 0 : 1;
    }
    assertThat(invalid).isBetween(50_000, 190_000);
  }

  private static boolean decodesStrictly(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}

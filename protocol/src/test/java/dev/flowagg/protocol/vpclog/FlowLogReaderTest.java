package dev.flowagg.protocol.vpclog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowLogReaderTest {

  private record Numbered(long lineNumber, ParsedLine line) {}

  private final List<Numbered> seen = new ArrayList<>();

  private FlowLogFormat read(String log) throws Exception {
    return FlowLogReader.readAll(new BufferedReader(new StringReader(log)), (n, line) -> seen.add(new Numbered(n, line)));
  }

  @Test
  void aLogWithoutHeaderIsInTheDefaultFormat() throws Exception {
    FlowLogFormat format = read("""
        2 123456789010 eni-1 10.0.0.1 10.0.0.2 40000 443 6 3 400 1700000000 1700000060 ACCEPT OK
        """);

    assertThat(format.isDefault()).isTrue();
    assertThat(seen).singleElement().satisfies(n -> {
      assertThat(n.lineNumber()).isEqualTo(1);
      assertThat(((FlowLogRecord) n.line()).dstport()).isEqualTo(443);
    });
  }

  @Test
  void aFirstLineOfFieldNamesIsTheHeaderAndLinesAreNumberedFromTheTopOfTheFile() throws Exception {
    FlowLogFormat format = read("""
        version dstport protocol

        5 443 6
        5 53 17
        """);

    assertThat(format.fieldNames()).containsExactly("version", "dstport", "protocol");
    assertThat(seen).extracting(Numbered::lineNumber).containsExactly(3L, 4L);
  }

  @Test
  void aRepeatedHeaderFromConcatenatedFilesIsSkipped() throws Exception {
    read("""
        dstport protocol
        443 6
        dstport protocol
        53 17
        """);

    assertThat(seen).extracting(Numbered::lineNumber).containsExactly(2L, 4L);
    assertThat(seen).allMatch(n -> n.line() instanceof FlowLogRecord);
  }

  @Test
  void malformedLinesArePassedOnWithTheirNumbers() throws Exception {
    read("""
        dstport protocol
        443 6
        443
        """);

    assertThat(seen.get(1)).isEqualTo(new Numbered(3, new ParsedLine.Malformed(
        "expected 2 fields (as the header names them), found 1")));
  }

  @Test
  void aByteOrderMarkBeforeTheHeaderIsIgnored() throws Exception {
    assertThat(read("\uFEFFdstport protocol\n443 6\n").fieldNames()).containsExactly("dstport", "protocol");
  }

  @Test
  void aBadHeaderStopsTheLogAtItsLine() {
    assertThatThrownBy(() -> read("\n\nversion version\n"))
        .isInstanceOfSatisfying(FlowLogException.class, e -> assertThat(e.lineNumber()).isEqualTo(3))
        .hasMessage("line 3: header: field 'version' appears twice (fields 1 and 2)");
  }

  @Test
  void anEmptyLogHasTheDefaultFormatAndNoLines() throws Exception {
    assertThat(read("").isDefault()).isTrue();
    assertThat(seen).isEmpty();
  }
}

package dev.flowagg.node.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.InProcessNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FlowLogRoutesTest {

  // end 1620140821 is in hour 450039
  private static final String HOUR = "450039";

  private InProcessNode node;
  private HttpApi http;

  @BeforeAll
  void start() throws Exception {
    Path rules = Files.createTempFile("rules", ".conf");
    Files.writeString(
        rules,
        """
        [apps]
        10.1.0.0/16 billing
        10.1.7.0/24 billing-db
        10.2.0.0/16 checkout
        [interfaces]
        eni-1235b8ca123456789 vpc-a
        """);
    Path lookup = Files.createTempFile("lookup", ".csv");
    Files.writeString(lookup, "dstport,protocol,tag\n5432,TCP,postgres\n443,tcp,https\n");
    node =
        InProcessNode.start(
            Map.of("flowagg.classification-file", rules.toString(), "flowagg.lookup-file", lookup.toString()));
    http = node.http;
  }

  @AfterAll
  void stop() {
    node.close();
  }

  @Test
  void flowLogLinesAddToTheTotalsOrientedAndClassified() {
    String log =
        """
        2 123456789012 eni-1235b8ca123456789 10.1.7.5 10.2.0.9 49152 443 6 20 4000 1620140761 1620140821 ACCEPT OK
        2 123456789012 eni-1235b8ca123456789 10.2.0.9 10.1.7.5 443 49152 6 30 9000 1620140761 1620140821 ACCEPT OK
        2 123456789012 eni-0fffffffffffffff0 10.1.0.3 10.9.9.9 50000 5432 6 5 700 1620140761 1620140821 ACCEPT OK
        2 123456789012 eni-1235b8ca123456789 - - - - - - - 1620140761 1620140821 - NODATA
        """;
    HttpResponse<String> r = http.post("/flowlogs", "text/plain", log);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("{\"accepted\":3,\"skipped\":1}");
    assertThat(http.get("/flows?hour=" + HOUR).body())
        .isEqualTo(
            "[{\"src_app\":\"billing\",\"dest_app\":\"postgres\",\"vpc_id\":\"unknown\",\"bytes_tx\":700,\"bytes_rx\":0,\"hour\":450039},"
                + "{\"src_app\":\"billing-db\",\"dest_app\":\"checkout\",\"vpc_id\":\"vpc-a\",\"bytes_tx\":4000,\"bytes_rx\":9000,\"hour\":450039}]");
  }

  @Test
  void aCustomFormatWithVpcIdUsesIt() {
    String log =
        """
        version vpc-id srcaddr dstaddr srcport dstport protocol bytes start end
        5 vpc-custom 10.1.0.8 10.2.3.4 40000 8443 6 123 1620140761 1620144000
        """;
    assertThat(http.post("/flowlogs", "text/plain", log).statusCode()).isEqualTo(200);
    assertThat(http.get("/flows?hour=450040").body())
        .isEqualTo(
            "[{\"src_app\":\"billing\",\"dest_app\":\"checkout\",\"vpc_id\":\"vpc-custom\",\"bytes_tx\":123,\"bytes_rx\":0,\"hour\":450040}]");
  }

  @Test
  void anyMalformedLineRejectsTheWholeRequestNamingEachBadLine() {
    String log =
        """
        2 123456789012 eni-1 10.1.7.5 10.2.0.9 49152 443 6 20 4000 1620140761 1620144001 ACCEPT OK
        2 123456789012 eni-1 10.1.7.5 10.2.0.9 49152 443 6 20 lots 1620140761 1620144001 ACCEPT OK
        2 123456789012 eni-1 10.1.7.5 not-an-address 49152 443 6 20 1 1620140761 1620144001 ACCEPT OK
        """;
    HttpResponse<String> r = http.post("/flowlogs", "text/plain", log);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).contains("\"line_number\":2").contains("\"line_number\":3").doesNotContain("\"line_number\":1");
    assertThat(http.get("/flows?hour=450040").body()).doesNotContain("4000");
  }

  @Test
  void theWrongContentTypeIs415() {
    assertThat(http.postJson("/flowlogs", "[]").statusCode()).isEqualTo(415);
  }

  @Test
  void aCharsetOtherThanUtf8Is415() {
    HttpResponse<String> r = http.post("/flowlogs", "text/plain; charset=iso-8859-1", "version\n");

    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.body()).contains("text/plain (charset UTF-8 or none)");
  }

  @Test
  void anOverlongUtf8SequenceIsRefusedAndNamed() {
    byte[] body = {'a', (byte) 0xC0, (byte) 0xAF, 'b', '\n'};

    HttpResponse<String> r = http.post("/flowlogs", "text/plain", body);

    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.body()).isEqualTo(
        "{\"error\":\"the body is not valid UTF-8: an overlong encoding (0xC0 0xAF) at byte 1\",\"details\":[]}");
  }

  @Test
  void anEmptyBodyIs400() {
    assertThat(http.post("/flowlogs", "text/plain", "\n\n").statusCode()).isEqualTo(400);
  }
}

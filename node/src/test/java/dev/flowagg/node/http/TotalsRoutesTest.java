package dev.flowagg.node.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flowagg.node.aggregate.FlowKey;
import dev.flowagg.node.aggregate.FlowSlice;
import dev.flowagg.node.testing.HttpApi;
import dev.flowagg.node.testing.InProcessNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** {@code GET /totals}: ranges, buckets, filters, groups, top-N, formats, paging and its refusals. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TotalsRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  // Two whole days (2026-11-01 and 2026-11-02) and the first hours of the third, hours since the epoch.
  private static final long DAY1 = 498_192;

  private InProcessNode node;
  private HttpApi http;

  @BeforeAll
  void start() {
    node = InProcessNode.start(Map.of("flowagg.retention.sweep-interval", "1s"));
    http = node.http;
    List<String> records = new ArrayList<>();
    for (int h = 0; h < 50; h++) {
      // web-1 -> db every hour; web-2 -> db and web-2 -> cache every other hour; a third vpc once.
      records.add(record("web-1", "db", "vpc-a", 10, 1, DAY1 + h));
      if (h % 2 == 0) {
        records.add(record("web-2", "db", "vpc-a", 100, 2, DAY1 + h));
        records.add(record("web-2", "cache", "vpc-b", 1000, 3, DAY1 + h));
      }
    }
    records.add(record("batch,\"job\"", "db", "vpc-c", 7, 7, DAY1 + 5));
    assertThat(http.postJson("/flows", "[" + String.join(",", records) + "]").statusCode()).isEqualTo(200);
  }

  @AfterAll
  void stop() {
    node.close();
  }

  private static String record(String src, String dst, String vpc, long tx, long rx, long hour) {
    return "{\"src_app\":" + quote(src) + ",\"dest_app\":\"" + dst + "\",\"vpc_id\":\"" + vpc + "\",\"bytes_tx\":" + tx
        + ",\"bytes_rx\":" + rx + ",\"hour\":" + hour + "}";
  }

  private static String quote(String s) {
    return "\"" + s.replace("\"", "\\\"") + "\"";
  }

  private JsonNode totals(String query) throws Exception {
    HttpResponse<String> r = http.get("/totals?" + query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<String> rows(JsonNode answer) {
    List<String> out = new ArrayList<>();
    for (JsonNode row : answer.get("rows")) {
      out.add(row.toString());
    }
    return out;
  }

  @Test
  void aRangeBucketedByHourAndGroupedByOneNameSumsTheOthers() throws Exception {
    JsonNode a = totals("from=" + DAY1 + "&to=" + (DAY1 + 2) + "&bucket=hour&group_by=src_app");
    assertThat(a.get("bucket").asText()).isEqualTo("hour");
    assertThat(rows(a)).containsExactly(
        "{\"time\":\"2026-11-01T00:00:00Z\",\"hour\":" + DAY1 + ",\"src_app\":\"web-1\",\"bytes_tx\":10,\"bytes_rx\":1}",
        "{\"time\":\"2026-11-01T00:00:00Z\",\"hour\":" + DAY1 + ",\"src_app\":\"web-2\",\"bytes_tx\":1100,\"bytes_rx\":5}",
        "{\"time\":\"2026-11-01T01:00:00Z\",\"hour\":" + (DAY1 + 1) + ",\"src_app\":\"web-1\",\"bytes_tx\":10,\"bytes_rx\":1}");
  }

  @Test
  void isoTimesCoverEveryHourTheyTouchAndOneTotalHasNoNames() throws Exception {
    JsonNode a = totals("from=2026-11-01T00:30:00Z&to=2026-11-01T01:10%2B00:00&group_by=");
    assertThat(rows(a)).containsExactly("{\"bytes_tx\":1120,\"bytes_rx\":7}");
    assertThat(a.get("from").asText()).isEqualTo("2026-11-01T00:00:00Z");
    assertThat(a.get("to").asText()).isEqualTo("2026-11-01T02:00:00Z");
  }

  @Test
  void daysAreTheSameWhetherSummedFromHoursOrFromRolledUpDays() throws Exception {
    String q = "from=2026-11-01&to=2026-11-03&bucket=day&group_by=vpc_id";
    List<String> fromHours = rows(totals(q));
    assertThat(fromHours).containsExactly(
        "{\"time\":\"2026-11-01T00:00:00Z\",\"day\":20758,\"vpc_id\":\"vpc-a\",\"bytes_tx\":1440,\"bytes_rx\":48}",
        "{\"time\":\"2026-11-01T00:00:00Z\",\"day\":20758,\"vpc_id\":\"vpc-b\",\"bytes_tx\":12000,\"bytes_rx\":36}",
        "{\"time\":\"2026-11-01T00:00:00Z\",\"day\":20758,\"vpc_id\":\"vpc-c\",\"bytes_tx\":7,\"bytes_rx\":7}",
        "{\"time\":\"2026-11-02T00:00:00Z\",\"day\":20759,\"vpc_id\":\"vpc-a\",\"bytes_tx\":1440,\"bytes_rx\":48}",
        "{\"time\":\"2026-11-02T00:00:00Z\",\"day\":20759,\"vpc_id\":\"vpc-b\",\"bytes_tx\":12000,\"bytes_rx\":36}");
    // The sweep (every second here) has the slices roll those days up: the same answer from flow_day.
    await().atMost(Duration.ofSeconds(30)).until(() -> rolledUp() >= 20759);
    assertThat(rows(totals(q))).isEqualTo(fromHours);
    // A late write to a rolled-up day counts in both.
    assertThat(http.postJson("/flows", "[" + record("late", "db", "vpc-late", 5, 0, DAY1 + 3) + "]").statusCode())
        .isEqualTo(200);
    assertThat(rows(totals(q + "&vpc_id=vpc-late")))
        .containsExactly("{\"time\":\"2026-11-01T00:00:00Z\",\"day\":20758,\"vpc_id\":\"vpc-late\",\"bytes_tx\":5,\"bytes_rx\":0}");
    assertThat(rows(totals("from=" + (DAY1 + 3) + "&to=" + (DAY1 + 4) + "&group_by=vpc_id&vpc_id=vpc-late")))
        .containsExactly("{\"vpc_id\":\"vpc-late\",\"bytes_tx\":5,\"bytes_rx\":0}");
  }

  /** The last day every slice has rolled up. */
  private long rolledUp() throws Exception {
    try (var c = java.sql.DriverManager.getConnection(node.node.settings().database().url(), "sa", "");
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT min(rolled_up_day) FROM flow_slice")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void topNRanksGroupsOverTheWholeRangeAndSumsTheRestIntoOther() throws Exception {
    String seeded = "&vpc_id=vpc-a&vpc_id=vpc-b&vpc_id=vpc-c";
    JsonNode a = totals("from=" + DAY1 + "&to=" + (DAY1 + 4) + "&bucket=hour&group_by=src_app,dest_app&top=1" + seeded);
    assertThat(rows(a)).containsExactly(
        "{\"time\":\"2026-11-01T00:00:00Z\",\"hour\":" + DAY1 + ",\"src_app\":\"web-2\",\"dest_app\":\"cache\",\"bytes_tx\":1000,\"bytes_rx\":3}",
        "{\"time\":\"2026-11-01T00:00:00Z\",\"hour\":" + DAY1 + ",\"other\":true,\"bytes_tx\":110,\"bytes_rx\":3}",
        "{\"time\":\"2026-11-01T01:00:00Z\",\"hour\":" + (DAY1 + 1) + ",\"src_app\":\"web-2\",\"dest_app\":\"cache\",\"bytes_tx\":0,\"bytes_rx\":0}",
        "{\"time\":\"2026-11-01T01:00:00Z\",\"hour\":" + (DAY1 + 1) + ",\"other\":true,\"bytes_tx\":10,\"bytes_rx\":1}",
        "{\"time\":\"2026-11-01T02:00:00Z\",\"hour\":" + (DAY1 + 2) + ",\"src_app\":\"web-2\",\"dest_app\":\"cache\",\"bytes_tx\":1000,\"bytes_rx\":3}",
        "{\"time\":\"2026-11-01T02:00:00Z\",\"hour\":" + (DAY1 + 2) + ",\"other\":true,\"bytes_tx\":110,\"bytes_rx\":3}",
        "{\"time\":\"2026-11-01T03:00:00Z\",\"hour\":" + (DAY1 + 3) + ",\"src_app\":\"web-2\",\"dest_app\":\"cache\",\"bytes_tx\":0,\"bytes_rx\":0}",
        "{\"time\":\"2026-11-01T03:00:00Z\",\"hour\":" + (DAY1 + 3) + ",\"other\":true,\"bytes_tx\":10,\"bytes_rx\":1}");
    JsonNode byRx = totals("from=" + DAY1 + "&to=" + (DAY1 + 48) + "&group_by=src_app&top=5&order_by=bytes_rx" + seeded);
    assertThat(rows(byRx)).containsExactly(
        "{\"src_app\":\"web-2\",\"bytes_tx\":26400,\"bytes_rx\":120}",
        "{\"src_app\":\"web-1\",\"bytes_tx\":480,\"bytes_rx\":48}",
        "{\"src_app\":\"batch,\\\"job\\\"\",\"bytes_tx\":7,\"bytes_rx\":7}");
  }

  @Test
  void filtersTakeSeveralValuesAndPrefixesPerNameAndCombineAcrossNames() throws Exception {
    String range = "from=" + DAY1 + "&to=" + (DAY1 + 2) + "&group_by=src_app,dest_app";
    assertThat(rows(totals(range + "&dest_app=cache&dest_app=nothing")))
        .containsExactly("{\"src_app\":\"web-2\",\"dest_app\":\"cache\",\"bytes_tx\":1000,\"bytes_rx\":3}");
    assertThat(rows(totals(range + "&src_app_prefix=web-&dest_app=db"))).containsExactly(
        "{\"src_app\":\"web-1\",\"dest_app\":\"db\",\"bytes_tx\":20,\"bytes_rx\":2}",
        "{\"src_app\":\"web-2\",\"dest_app\":\"db\",\"bytes_tx\":100,\"bytes_rx\":2}");
    assertThat(rows(totals(range + "&vpc_id=vpc-b&src_app=web-1"))).isEmpty();
  }

  @Test
  void csvAndNdjsonByParameterOrAcceptHeader() {
    String q = "from=" + (DAY1 + 5) + "&to=" + (DAY1 + 6) + "&group_by=src_app,vpc_id";
    HttpResponse<String> csv = http.get("/totals?" + q + "&format=csv");
    assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/csv"));
    assertThat(csv.body()).isEqualTo(
        "src_app,vpc_id,bytes_tx,bytes_rx\r\n\"batch,\"\"job\"\"\",vpc-c,7,7\r\nweb-1,vpc-a,10,1\r\n");
    HttpResponse<String> viaAccept = http.send(
        HttpRequest.newBuilder(URI.create(http.base() + "/totals?" + q)).header("Accept", "text/csv").GET());
    assertThat(viaAccept.body()).isEqualTo(csv.body());
    HttpResponse<String> nd = http.send(HttpRequest.newBuilder(URI.create(http.base() + "/totals?" + q))
        .header("Accept", "application/x-ndjson").GET());
    assertThat(nd.body()).isEqualTo("{\"src_app\":\"batch,\\\"job\\\"\",\"vpc_id\":\"vpc-c\",\"bytes_tx\":7,\"bytes_rx\":7}\n"
        + "{\"src_app\":\"web-1\",\"vpc_id\":\"vpc-a\",\"bytes_tx\":10,\"bytes_rx\":1}\n");
  }

  @Test
  void jsonPagesFollowTheirCursorToTheEnd() throws Exception {
    String q = "from=" + DAY1 + "&to=" + (DAY1 + 6) + "&bucket=hour&vpc_id_prefix=vpc-";
    List<String> all = rows(totals(q));
    List<String> paged = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonNode page = totals(q + "&limit=4" + (cursor == null ? "" : "&cursor=" + cursor));
      paged.addAll(rows(page));
      cursor = page.get("next_cursor").isNull() ? null : page.get("next_cursor").asText();
      pages++;
    } while (cursor != null);
    assertThat(paged).isEqualTo(all);
    assertThat(pages).isGreaterThan(3);
    HttpResponse<String> other = http.get("/totals?from=" + DAY1 + "&to=" + (DAY1 + 7) + "&limit=4&cursor="
        + totals(q + "&limit=4").get("next_cursor").asText());
    assertThat(other.statusCode()).isEqualTo(400);
    assertThat(other.body()).contains("\"parameter\":\"cursor\"");
  }

  @Test
  void everyUnknownParameterOrBadValueIsA400NamingIt() throws Exception {
    for (var c : List.of(
        List.of("from=" + DAY1 + "&src=foo", "src"),
        List.of("to=" + DAY1, "from"),
        List.of("from=yesterday", "from"),
        List.of("from=0" + DAY1, "from"),
        List.of("from=" + DAY1 + "&to=" + DAY1, "to"),
        List.of("from=" + DAY1 + "&bucket=week", "bucket"),
        List.of("from=" + DAY1 + "&group_by=src_app,port", "group_by"),
        List.of("from=" + DAY1 + "&top=0", "top"),
        List.of("from=" + DAY1 + "&top=3&order_by=names", "order_by"),
        List.of("from=" + DAY1 + "&format=xml", "format"),
        List.of("from=" + DAY1 + "&limit=1000000", "limit"),
        List.of("from=" + DAY1 + "&from=" + DAY1, "from"),
        List.of("from=" + DAY1 + "&src_app_prefix=", "src_app_prefix"),
        List.of("from=" + DAY1 + "&cursor=bm9wZQ", "cursor"))) {
      HttpResponse<String> r = http.get("/totals?" + c.get(0));
      assertThat(r.statusCode()).as(c.get(0)).isEqualTo(400);
      JsonNode details = JSON.readTree(r.body()).get("details");
      assertThat(details.findValuesAsText("parameter")).as(c.get(0)).contains(c.get(1));
    }
    assertThat(http.send(HttpRequest.newBuilder(URI.create(http.base() + "/totals?from=1")).DELETE()).statusCode())
        .isEqualTo(405);
  }

  @Test
  void theLastSliceIsReadInOddHoursToo() throws Exception {
    // H2 keys a row by hour and tuple number; the bound past slice 63 touches the hour's lowest bit.
    String src = "last-slice-0";
    for (int i = 1; new FlowKey(src, "db", "vpc-63").slice() != FlowSlice.SLICES - 1; i++) {
      src = "last-slice-" + i;
    }
    long oddHour = DAY1 + 24 * 20 + 1;
    assertThat(http.postJson("/flows", "[" + record(src, "db", "vpc-63", 63, 6, oddHour) + "]").statusCode())
        .isEqualTo(200);
    assertThat(rows(totals("from=" + oddHour + "&to=" + (oddHour + 1) + "&vpc_id=vpc-63")))
        .containsExactly("{\"src_app\":\"" + src + "\",\"dest_app\":\"db\",\"vpc_id\":\"vpc-63\",\"bytes_tx\":63,\"bytes_rx\":6}");
  }

  @Test
  void namesAreMatchedAsGivenWhateverTheirCharacters() throws Exception {
    String odd = "a/b?c=d&e 🚀";
    assertThat(http.postJson("/flows", "[" + record(odd, "x", "vpc-z", 1, 2, DAY1 + 40) + "]").statusCode())
        .isEqualTo(200);
    JsonNode a = totals("from=" + (DAY1 + 40) + "&to=" + (DAY1 + 41) + "&src_app="
        + URLEncoder.encode(odd, StandardCharsets.UTF_8));
    assertThat(rows(a)).containsExactly(
        "{\"src_app\":\"" + odd + "\",\"dest_app\":\"x\",\"vpc_id\":\"vpc-z\",\"bytes_tx\":1,\"bytes_rx\":2}");
  }
}

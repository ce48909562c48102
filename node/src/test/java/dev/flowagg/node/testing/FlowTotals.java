package dev.flowagg.node.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The rows of a {@code GET /flows?hour=N} answer, by tuple: what tests compare with what clients were told. */
public final class FlowTotals {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One tuple's totals in the hour. */
  public record Totals(long bytesTx, long bytesRx) {
    public Totals plus(long tx, long rx) {
      return new Totals(bytesTx + tx, bytesRx + rx);
    }
  }

  private FlowTotals() {}

  /** Key of a tuple: its three names joined by a character no test name uses. */
  public static String tuple(String src, String dst, String vpc) {
    return src + "\u0001" + dst + "\u0001" + vpc;
  }

  public static Map<String, Totals> parse(String getFlowsBody) {
    try {
      Map<String, Totals> out = new HashMap<>();
      for (JsonNode row : JSON.readTree(getFlowsBody)) {
        out.put(
            tuple(row.get("src_app").asText(), row.get("dest_app").asText(), row.get("vpc_id").asText()),
            new Totals(row.get("bytes_tx").asLong(), row.get("bytes_rx").asLong()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON array of flow records. */
  public static String records(List<String> src, String dst, String vpc, List<Long> tx, long hour) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < src.size(); i++) {
      b.append(i == 0 ? "" : ",")
          .append("{\"src_app\":\"").append(src.get(i)).append("\",\"dest_app\":\"").append(dst)
          .append("\",\"vpc_id\":\"").append(vpc).append("\",\"bytes_tx\":").append(tx.get(i))
          .append(",\"bytes_rx\":1,\"hour\":").append(hour).append('}');
    }
    return b.append(']').toString();
  }
}

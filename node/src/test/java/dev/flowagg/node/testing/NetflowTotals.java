package dev.flowagg.node.testing;

import dev.flowagg.nativeagg.DatagramBatch;
import dev.flowagg.nativeagg.JavaFlowKernel;
import dev.flowagg.protocol.classify.ClassificationRules;
import dev.flowagg.protocol.net.IpAddress;
import dev.flowagg.protocol.netflow.DecoderSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What {@code GET /flows?hour=} must show for datagrams from one exporter: their offline aggregation, as GET rows. */
public final class NetflowTotals {

  private NetflowTotals() {}

  /** The expected body of {@code GET /flows?hour=h} for every hour the datagrams touch. */
  public static Map<Long, String> expectedRows(List<byte[]> datagrams, String exporter) {
    Map<Long, List<String[]>> rows = new TreeMap<>();
    try (JavaFlowKernel kernel = new JavaFlowKernel(DecoderSettings.defaults(), ClassificationRules.empty());
        DatagramBatch batch = new DatagramBatch(datagrams.size(), datagrams.size() * 1500 + 65_535)) {
      datagrams.forEach(d -> batch.add(d, 0, d.length, IpAddress.parse(exporter), 0));
      kernel.process(batch);
      kernel.drain(
          (src, dst, vpc, h, tx, rx) ->
              rows.computeIfAbsent(h, k -> new ArrayList<>()).add(new String[] {src, dst, vpc, "" + tx, "" + rx}));
    }
    Map<Long, String> out = new TreeMap<>();
    rows.forEach(
        (h, list) -> {
          list.sort((a, b) -> a[0].equals(b[0]) ? (a[1].equals(b[1]) ? a[2].compareTo(b[2]) : a[1].compareTo(b[1])) : a[0].compareTo(b[0]));
          List<String> json = new ArrayList<>();
          for (String[] r : list) {
            json.add("{\"src_app\":\"" + r[0] + "\",\"dest_app\":\"" + r[1] + "\",\"vpc_id\":\"" + r[2]
                + "\",\"bytes_tx\":" + r[3] + ",\"bytes_rx\":" + r[4] + ",\"hour\":" + h + "}");
          }
          out.put(h, "[" + String.join(",", json) + "]");
        });
    return out;
  }
}

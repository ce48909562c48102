package dev.flowagg.node.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The NetFlow end-to-end tests again, with FLOWAGG_NATIVE=off: the Java twin must give the same exact totals. */
class NetflowIngestJavaKernelTest extends NetflowIngestTest {

  @Override
  String kernelMode() {
    return "off";
  }

  @Test
  void theNodeReportsTheJavaKernel() {
    assertThat(node().http.get("/ingest/stats").body()).contains("\"kernel\":\"java\"");
  }
}

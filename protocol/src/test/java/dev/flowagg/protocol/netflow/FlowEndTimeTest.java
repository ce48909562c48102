package dev.flowagg.protocol.netflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FlowEndTimeTest {

  private static final long EXPORT = 1_767_225_600_000L;

  @ParameterizedTest(name = "uptime {0} at export, {1} at the end: {2} ms before export")
  @CsvSource({
    "10000, 9000, 1000",
    "10000, 10000, 0",
    "0, 0, 0",
    // The counter wrapped between the flow's end and the export.
    "500, 4294967000, 796",
    // Stamped after the export (clock skew): a little after it.
    "10000, 10250, -250",
    // The flow ended 1 ms before a wrap, the export came a day after the wrap.
    "86400000, 4294967295, 86400001",
  })
  void uptimeDifferenceIsTakenModuloTwoToTheThirtyTwo(long uptimeAtExport, long endUptime, long ageMillis) {
    assertThat(FlowEndTime.fromUptime(EXPORT, uptimeAtExport, endUptime)).isEqualTo(EXPORT - ageMillis);
  }
}

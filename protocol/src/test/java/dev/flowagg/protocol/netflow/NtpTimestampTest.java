package dev.flowagg.protocol.netflow;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NtpTimestampTest {

  @Test
  void unixEpochIsNtpSeconds2208988800() {
    assertThat(NtpTimestamp.fromEpochMillis(0)).isEqualTo(2_208_988_800L << 32);
    assertThat(NtpTimestamp.toEpochMillis(2_208_988_800L << 32)).isZero();
  }

  @Test
  void halfASecondIsHalfTheFraction() {
    assertThat(NtpTimestamp.toEpochMillis(2_208_988_800L << 32 | 0x8000_0000L)).isEqualTo(500);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 999, 1_767_225_600_123L, 2_085_978_495_999L, 2_085_978_496_000L, 4_000_000_000_001L})
  void roundTripsMillisecondsIncludingAfterTheEra2036Rollover(long epochMillis) {
    assertThat(NtpTimestamp.toEpochMillis(NtpTimestamp.fromEpochMillis(epochMillis))).isEqualTo(epochMillis);
  }
}

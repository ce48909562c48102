package dev.flowagg.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SendPacerTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private void advanceMillis(long millis) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void recordsFallDueAtTheRate() {
    SendPacer pacer = new SendPacer(100_000, now::get);
    assertThat(pacer.due()).isZero();
    advanceMillis(10);
    assertThat(pacer.due()).isEqualTo(1_000);
    pacer.admit(600);
    assertThat(pacer.due()).isEqualTo(400);
    advanceMillis(5);
    assertThat(pacer.due()).isEqualTo(900);
  }

  @Test
  void aSenderThatFellBehindCatchesUpByTwentyMillisecondsAtMost() {
    SendPacer pacer = new SendPacer(100_000, now::get);
    advanceMillis(3_000);
    // 300 000 records were due; 2 000 (20 ms) may go out at once, the rest is forgotten.
    assertThat(pacer.due()).isEqualTo(2_000);
    pacer.admit(2_000);
    assertThat(pacer.due()).isZero();
    advanceMillis(1);
    assertThat(pacer.due()).isEqualTo(100);
  }

  @Test
  void noRateMeansNoLimit() {
    assertThat(new SendPacer(0, now::get).due()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void aVeryLowRateStillLetsOneRecordThrough() {
    SendPacer pacer = new SendPacer(1, now::get);
    advanceMillis(10_000);
    assertThat(pacer.due()).isEqualTo(1);
  }
}

package dev.flowagg.protocol.netflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongKeyMapTest {

  @Test
  void putGetAndRemove() {
    LongKeyMap<String> map = new LongKeyMap<>();

    assertThat(map.put(7, "seven")).isNull();
    assertThat(map.put(7, "SEVEN")).isEqualTo("seven");
    assertThat(map.get(7)).isEqualTo("SEVEN");
    assertThat(map.get(8)).isNull();
    assertThat(map.remove(7)).isEqualTo("SEVEN");
    assertThat(map.remove(7)).isNull();
    assertThat(map.size()).isZero();
  }

  @Test
  void behavesLikeAHashMapUnderRandomPutsRemovesAndBulkRemovals() {
    SplittableRandom random = new SplittableRandom(42);
    LongKeyMap<Long> map = new LongKeyMap<>();
    Map<Long, Long> reference = new HashMap<>();

    for (int step = 0; step < 200_000; step++) {
      // Few distinct keys with clustered bits, so probe runs get long and wrap around the table.
      long key = random.nextInt(3000) * 65536L;
      int op = random.nextInt(100);
      if (op < 55) {
        assertThat(map.put(key, (long) step)).isEqualTo(reference.put(key, (long) step));
      } else if (op < 95) {
        assertThat(map.remove(key)).isEqualTo(reference.remove(key));
      } else if (op == 99) {
        long modulus = 2 + random.nextInt(5);
        int removed = map.removeValuesIf(v -> v % modulus == 0);
        int expected = reference.size();
        reference.values().removeIf(v -> v % modulus == 0);
        assertThat(removed).isEqualTo(expected - reference.size());
      } else {
        assertThat(map.get(key)).isEqualTo(reference.get(key));
      }
      assertThat(map.size()).isEqualTo(reference.size());
    }
    for (Map.Entry<Long, Long> e : reference.entrySet()) {
      assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
    }
  }
}

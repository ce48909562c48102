package dev.flowagg.node.aggregate;

import static dev.flowagg.node.aggregate.SliceFixture.deltas;
import static dev.flowagg.node.aggregate.SliceFixture.tupleOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.flowagg.node.storage.Database;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a flow slice promises, on whichever database a subclass gives it. */
abstract class FlowSliceContract {

  static final int SLICE = 7;
  SliceFixture f;

  abstract SliceFixture fixture(Map<String, Object> settings);

  @BeforeEach
  void start() {
    f = fixture(Map.of("flowagg.aggregate.snapshot-every", 3, "flowagg.aggregate.remembered-writes", 4));
  }

  @AfterEach
  void stop() {
    f.close();
  }

  static WriteId.Unique unique() {
    return WriteId.Unique.of(UUID.randomUUID());
  }

  @Test
  void writesAddUpPerTupleAndHourAndAreInTheTablesWhenAnswered() {
    FlowKey a = tupleOf(SLICE, "a");
    FlowKey b = tupleOf(SLICE, "b");
    long h = f.hour();
    assertThat(f.write(SLICE, unique(), false, deltas(a, h, 100, 500, b, h, 1, 2))).isEqualTo(new FlowSlice.Done(0, 0));
    assertThat(f.write(SLICE, unique(), false, deltas(a, h, 200, 1000, a, h - 1, 5, 6)))
        .isEqualTo(new FlowSlice.Done(0, 0));
    assertThat(f.rows(h)).containsExactly(row(a, 300, 1500), row(b, 1, 2));
    assertThat(f.rows(h - 1)).containsExactly(row(a, 5, 6));
  }

  @Test
  void aRepeatedUniqueWriteIsAppliedOnce() {
    FlowKey a = tupleOf(SLICE, "a");
    WriteId.Unique id = unique();
    f.write(SLICE, id, false, deltas(a, f.hour(), 100, 500));
    assertThat(f.write(SLICE, id, false, deltas(a, f.hour(), 100, 500))).isEqualTo(new FlowSlice.Done(0, 0));
    assertThat(f.rows(f.hour())).containsExactly(row(a, 100, 500));
  }

  @Test
  void aSequencedWriterIsAppliedOnlyAboveItsHighestStoredStep() {
    FlowKey a = tupleOf(SLICE, "a");
    long h = f.hour();
    f.write(SLICE, new WriteId.Sequenced(42, 1), true, deltas(a, h, 1, 1));
    f.write(SLICE, new WriteId.Sequenced(42, 3), true, deltas(a, h, 10, 10));
    // A redelivery of either step, after the slice restarted: nothing added.
    f.stop(SLICE);
    f.write(SLICE, new WriteId.Sequenced(42, 1), true, deltas(a, h, 1, 1));
    f.write(SLICE, new WriteId.Sequenced(42, 3), true, deltas(a, h, 10, 10));
    f.write(SLICE, new WriteId.Sequenced(43, 1), true, deltas(a, h, 100, 100));
    assertThat(f.rows(h)).containsExactly(row(a, 111, 111));
  }

  @Test
  void writesThatArriveWhileTheSliceIsStoringAreStoredTogether() {
    FlowKey a = tupleOf(SLICE, "a");
    long h = f.hour();
    TestProbe<FlowSlice.WriteReply> probe = f.testKit.createTestProbe();
    int writes = 200;
    for (int i = 0; i < writes; i++) {
      f.slice(SLICE).tell(new FlowSlice.Write(unique(), deltas(a, h, 1, 2), false, probe.ref()));
    }
    for (int i = 0; i < writes; i++) {
      assertThat(probe.receiveMessage(Duration.ofSeconds(20))).isEqualTo(new FlowSlice.Done(0, 0));
    }
    assertThat(f.rows(h)).containsExactly(row(a, writes, 2L * writes));
    assertThat(storedSeq()).as("events for %d writes", writes).isLessThan(writes / 2);
  }

  @Test
  void anOverflowRefusesTheWholeWriteOrOnlyTheRowsOfAnEachRowWrite() {
    FlowKey a = tupleOf(SLICE, "a");
    FlowKey b = tupleOf(SLICE, "b");
    long h = f.hour();
    f.write(SLICE, unique(), false, deltas(a, h, Long.MAX_VALUE - 10, 0));
    assertThat(f.write(SLICE, unique(), false, deltas(b, h, 1, 1, a, h, 11, 0)))
        .isEqualTo(new FlowSlice.Overflow(a, h, "bytes_tx"));
    assertThat(f.write(SLICE, unique(), true, deltas(b, h, 1, 1, a, h, 11, 0)))
        .isEqualTo(new FlowSlice.Done(1, 0));
    assertThat(f.write(SLICE, unique(), false, deltas(a, h, 10, 0))).isEqualTo(new FlowSlice.Done(0, 0));
    assertThat(f.rows(h)).containsExactly(row(a, Long.MAX_VALUE, 0), row(b, 1, 1));
  }

  @Test
  void anOverflowIsFoundForATupleTheSliceHadForgottenAndForAnEarlierHour() {
    FlowKey a = tupleOf(SLICE, "a");
    long h = f.hour();
    f.write(SLICE, unique(), false, deltas(a, h - 2, Long.MAX_VALUE, 0));
    f.write(SLICE, unique(), false, deltas(a, h, 1, 0));
    f.stop(SLICE);
    assertThat(f.write(SLICE, unique(), false, deltas(a, h - 2, 1, 0)))
        .isEqualTo(new FlowSlice.Overflow(a, h - 2, "bytes_tx"));
  }

  @Test
  void lateRowsOfManyTuplesAreCheckedAgainstTheirOwnStoredTotals() {
    FlowKey a = tupleOf(SLICE, "a");
    FlowKey b = tupleOf(SLICE, "b");
    FlowKey c = tupleOf(SLICE, "c");
    long h = f.hour();
    f.write(SLICE, unique(), false, deltas(a, h - 1, 1, 2, c, h - 1, Long.MAX_VALUE - 5, 3));
    f.write(SLICE, unique(), false, deltas(a, h, 1, 0, b, h, 1, 0, c, h, 1, 0));
    assertThat(f.write(SLICE, unique(), false, deltas(a, h - 1, 10, 0, b, h - 1, 10, 0, c, h - 1, 10, 0)))
        .isEqualTo(new FlowSlice.Overflow(c, h - 1, "bytes_tx"));
    assertThat(f.write(SLICE, unique(), true, deltas(c, h - 1, 10, 0, a, h - 1, 10, 0, b, h - 1, 10, 0)))
        .isEqualTo(new FlowSlice.Done(1, 0));
    assertThat(f.rows(h - 1)).containsExactlyInAnyOrder(row(a, 11, 2), row(b, 10, 0), row(c, Long.MAX_VALUE - 5, 3));
  }

  @Test
  void aReservationHoldsRoomAgainstOtherWrites() {
    FlowKey a = tupleOf(SLICE, "a");
    long h = f.hour();
    WriteId.Unique held = unique();
    assertThat(f.reserve(SLICE, held, deltas(a, h, Long.MAX_VALUE - 5, 0))).isEqualTo(new FlowSlice.Done(0, 0));
    assertThat(f.write(SLICE, unique(), false, deltas(a, h, 6, 0))).isEqualTo(new FlowSlice.Overflow(a, h, "bytes_tx"));
    assertThat(f.write(SLICE, held, false, deltas(a, h, Long.MAX_VALUE - 5, 0))).isEqualTo(new FlowSlice.Done(0, 0));
    f.slice(SLICE).tell(new FlowSlice.Release(held));
    assertThat(f.write(SLICE, unique(), false, deltas(a, h, 5, 0))).isEqualTo(new FlowSlice.Done(0, 0));
  }

  @Test
  void afterRestartsAndSnapshotsTheSliceStillRecognisesRecentWritesAndNumbersNewTuplesAfresh() {
    long h = f.hour();
    List<WriteId.Unique> ids = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      WriteId.Unique id = unique();
      ids.add(id);
      f.write(SLICE, id, false, deltas(tupleOf(SLICE, "t" + i), h, 1, 1));
      if (i % 2 == 0) {
        f.stop(SLICE);
      }
    }
    // Remembered writes is 4: the last four are recognised.
    for (WriteId.Unique id : ids.subList(2, 6)) {
      f.write(SLICE, id, false, deltas(tupleOf(SLICE, "t0"), h, 1000, 1000));
    }
    f.write(SLICE, unique(), false, deltas(tupleOf(SLICE, "new"), h, 7, 7));
    assertThat(f.rows(h)).hasSize(7).contains(row(tupleOf(SLICE, "t0"), 1, 1), row(tupleOf(SLICE, "new"), 7, 7));
  }

  @Test
  void anEventTheTablesMissedIsStoredWhenTheSliceRecovers() throws Exception {
    FlowKey a = tupleOf(SLICE, "a");
    FlowKey b = tupleOf(SLICE, "b");
    long h = f.hour();
    f.write(SLICE, unique(), false, deltas(a, h, 1, 1));
    f.write(SLICE, unique(), false, deltas(a, h, 10, 10, b, h, 5, 5));
    f.stop(SLICE);
    // As if the node died after the journal took the second event and before the tables did.
    undoLastEvent(a, 10, b);
    assertThat(f.rows(h)).containsExactly(row(a, 1, 1));
    f.write(SLICE, unique(), false, deltas(a, h, 100, 100));
    assertThat(f.rows(h)).containsExactly(row(a, 111, 111), row(b, 5, 5));
  }

  @Test
  void rowsOfHoursPastTheRetentionAreLeftOutAndCounted() {
    FlowKey a = tupleOf(SLICE, "a");
    long h = f.hour();
    long kept = h - 90 * 24;
    assertThat(f.write(SLICE, unique(), true, deltas(a, kept - 1, 1, 1, a, kept, 2, 2)))
        .isEqualTo(new FlowSlice.Done(0, 1));
    assertThat(f.rows(kept)).containsExactly(row(a, 2, 2));
    assertThat(f.rows(kept - 1)).isEmpty();
  }

  @Test
  void endedDaysAreRolledUpAndLateRowsReachBothTables() throws Exception {
    FlowKey a = tupleOf(SLICE, "a");
    long day = Math.floorDiv(f.hour(), 24);
    long yesterday = (day - 1) * 24;
    f.write(SLICE, unique(), false, deltas(a, yesterday + 3, 1, 2, a, yesterday + 20, 10, 20));
    f.slice(SLICE).tell(new FlowSlice.Maintain());
    await().atMost(Duration.ofSeconds(10)).until(() -> dayTotal(a, day - 1) == 11);
    f.write(SLICE, unique(), false, deltas(a, yesterday + 5, 100, 200));
    assertThat(dayTotal(a, day - 1)).isEqualTo(111);
    assertThat(f.rows(yesterday + 5)).containsExactly(row(a, 100, 200));
  }

  @Test
  void theSweepDeletesHoursOnceRolledUpAndPastTheirRetentionThenDaysAndTuplesPastTheirs() throws Exception {
    FlowKey a = tupleOf(SLICE, "a");
    FlowKey b = tupleOf(SLICE, "b");
    long old = f.hour() - 10 * 24;
    f.write(SLICE, unique(), false, deltas(a, old, 1, 2, b, f.hour(), 3, 4));
    f.slice(SLICE).tell(new FlowSlice.Maintain());
    long day = Math.floorDiv(old, 24);
    await().atMost(Duration.ofSeconds(20)).until(() -> dayTotal(a, day) == 1);

    // 85 days later the old hour is 95 days old: past the 90 days of hourly totals, within the daily ones.
    long later = f.nowMillis.get() + Duration.ofDays(85).toMillis();
    RetentionSweep.sweep(f.tables, f.settings.retention(), later);
    assertThat(f.rows(old)).isEmpty();
    assertThat(f.rows(f.hour())).containsExactly(row(b, 3, 4));
    assertThat(dayTotal(a, day)).isEqualTo(1);

    // Past the 730 days of daily totals: the day goes too, and the tuple with it.
    long muchLater = f.nowMillis.get() + Duration.ofDays(735).toMillis();
    RetentionSweep.sweep(f.tables, f.settings.retention(), muchLater);
    assertThat(dayTotal(a, day)).isEqualTo(-1);
    assertThat(query(f.tables.database(), "SELECT count(*) FROM flow_tuple WHERE src_app = ?", a.srcApp())).isZero();
  }

  static String row(FlowKey k, long tx, long rx) {
    return k.srcApp() + " " + k.destApp() + " " + k.vpcId() + " " + tx + " " + rx;
  }

  private long storedSeq() {
    try (Connection c = f.tables.database().connection();
        PreparedStatement s = c.prepareStatement("SELECT seq FROM flow_slice WHERE slice = ?")) {
      s.setInt(1, SLICE);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The tx total of the tuple's daily row. */
  abstract long dayTotal(FlowKey key, long day) throws Exception;

  /** Takes the second event's rows back out of the tables and moves the slice's stored sequence back by one. */
  abstract void undoLastEvent(FlowKey a, long aTx, FlowKey b) throws Exception;

  static void execute(Database db, String sql, Object... args) throws Exception {
    try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      s.executeUpdate();
    }
  }

  static long query(Database db, String sql, Object... args) throws Exception {
    try (Connection c = db.connection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1;
      }
    }
  }
}

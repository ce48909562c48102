package dev.flowagg.node.aggregate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;

/** Reads a slice's own events back from the journal, for the tables to catch up after a crash. */
final class SliceJournal {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private SliceJournal() {}

  /** An event with its sequence number. */
  record Numbered(long seq, FlowSlice.Applied event) {}

  /** The slice's events with sequence numbers in {@code [from, to]} still in the journal, in order. Blocks. */
  static List<Numbered> events(ActorSystem<?> system, String persistenceId, long from, long to) {
    JdbcReadJournal journal =
        PersistenceQuery.get(system).getReadJournalFor(JdbcReadJournal.class, JdbcReadJournal.Identifier());
    try {
      List<Numbered> out = new ArrayList<>();
      journal
          .currentEventsByPersistenceId(persistenceId, from, to)
          .runWith(Sink.seq(), system)
          .toCompletableFuture()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach(e -> out.add(new Numbered(e.sequenceNr(), (FlowSlice.Applied) e.event())));
      return out;
    } catch (Exception e) {
      throw new IllegalStateException("could not read " + persistenceId + " back from the journal: " + e, e);
    }
  }
}

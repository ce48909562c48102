package dev.flowagg.node.idempotency;

import dev.flowagg.node.CborSerializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * The sharded, event-sourced entity of one {@code Idempotency-Key}: which request (a SHA-256 of path and body) first
 * used it, the write id that request applies its records under, and, once the request ended, its answer.
 *
 * <p>A request {@link Begin}s: a new key starts it (the write id is stored before anything is written); a key whose
 * request is still under way, or whose node died, is run again with the same write id, which the flow entities apply
 * once; a finished key replays its answer; another request under the key is a mismatch. Each event carries the whole
 * state, so the retention sweep may delete a key's older events.
 */
public final class IdempotencyKey
    extends EventSourcedBehavior<IdempotencyKey.Command, IdempotencyKey.Event, IdempotencyKey.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "IdempotencyKey");

  /** What a key entity is asked. */
  public sealed interface Command extends CborSerializable {}

  /** A request with this fingerprint arrived under the key. */
  public record Begin(String requestHash, ActorRef<BeginReply> replyTo) implements Command {}

  /** The request under this write id ended with this answer; only final answers are recorded. */
  public record Finish(String writeId, int status, byte[] body, ActorRef<Finished> replyTo) implements Command {}

  /** The answer to {@link Begin}. */
  public sealed interface BeginReply extends CborSerializable {}

  /** Apply the request under this write id (first time, or again after an unknown outcome). */
  public record Proceed(String writeId) implements BeginReply {}

  /** The request already ended: answer this. */
  public record Replay(int status, byte[] body) implements BeginReply {}

  /** The key was used by a different request. */
  public record Mismatch() implements BeginReply {}

  /** The answer to {@link Finish}. */
  public record Finished() implements CborSerializable {}

  /** What a key entity stores; each event is the whole state. */
  public sealed interface Event extends CborSerializable {}

  public record Started(String requestHash, String writeId, long atMillis) implements Event {}

  public record Ended(String requestHash, String writeId, int status, byte[] body, long atMillis) implements Event {}

  /** A key's state: unused, under way, or ended with an answer. */
  public sealed interface State {}

  public record Unused() implements State {}

  public record UnderWay(String requestHash, String writeId, long startedAtMillis) implements State {}

  public record Done(String requestHash, String writeId, int status, byte[] body, long endedAtMillis)
      implements State {}

  public static void initSharding(ActorSystem<?> system, Duration retention) {
    ClusterSharding.get(system)
        .init(
            Entity.of(
                TYPE_KEY,
                ctx ->
                    Behaviors.setup(
                        actor -> new IdempotencyKey(ctx.getEntityId(), retention))));
  }

  /** The entity id of a key: its SHA-256 in hex, so any printable key makes a valid persistence id. */
  public static String entityId(String key) {
    return sha256Hex(key.getBytes(StandardCharsets.US_ASCII));
  }

  public static String sha256Hex(byte[]... parts) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      for (byte[] part : parts) {
        digest.update(part);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private final String entityId;
  private final long retentionMillis;

  IdempotencyKey(String entityId, Duration retention) {
    super(PersistenceId.of(TYPE_KEY.name(), entityId));
    this.entityId = entityId;
    this.retentionMillis = retention.toMillis();
  }

  @Override
  public State emptyState() {
    return new Unused();
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onAnyCommand(this::onCommand);
  }

  private Effect<Event, State> onCommand(State state, Command command) {
    long now = System.currentTimeMillis();
    return switch (command) {
      case Begin b -> onBegin(expired(state, now) ? new Unused() : state, b, now);
      case Finish f -> {
        if (state instanceof UnderWay u && u.writeId().equals(f.writeId())) {
          yield Effect()
              .persist(new Ended(u.requestHash(), u.writeId(), f.status(), f.body(), now))
              .thenReply(f.replyTo(), s -> new Finished());
        }
        // Already ended (a concurrent re-run finished first), or the key expired and began anew meanwhile.
        yield Effect().reply(f.replyTo(), new Finished());
      }
    };
  }

  private Effect<Event, State> onBegin(State state, Begin b, long now) {
    return switch (state) {
      case Unused u -> {
        // The time makes the write id new when an expired key is used again.
        String writeId = "idem-" + entityId + "-" + now;
        yield Effect().persist(new Started(b.requestHash(), writeId, now)).thenReply(b.replyTo(), s -> new Proceed(writeId));
      }
      case UnderWay u ->
          Effect().reply(b.replyTo(), u.requestHash().equals(b.requestHash()) ? new Proceed(u.writeId()) : new Mismatch());
      case Done d ->
          Effect()
              .reply(b.replyTo(), d.requestHash().equals(b.requestHash()) ? new Replay(d.status(), d.body()) : new Mismatch());
    };
  }

  private boolean expired(State state, long now) {
    long at =
        switch (state) {
          case Unused u -> Long.MAX_VALUE;
          case UnderWay u -> u.startedAtMillis();
          case Done d -> d.endedAtMillis();
        };
    return at != Long.MAX_VALUE && now - at > retentionMillis;
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent(
            (state, event) ->
                switch (event) {
                  case Started s -> new UnderWay(s.requestHash(), s.writeId(), s.atMillis());
                  case Ended e -> new Done(e.requestHash(), e.writeId(), e.status(), e.body(), e.atMillis());
                });
  }
}

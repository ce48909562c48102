package dev.flowagg.node.idempotency;

import dev.flowagg.node.http.JsonBodies;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import dev.flowagg.node.sharding.PatientAsk;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a write under an {@code Idempotency-Key}: the key's entity decides whether to apply it (with a write id kept
 * in the cluster), replay the first answer, or refuse a different request under the same key (422).
 */
public final class IdempotentRequests {

  /** The request header; same name and meaning as the IETF draft "The Idempotency-Key HTTP Header Field". */
  public static final String HEADER = "Idempotency-Key";

  /** Set on an answer that repeats the one given to an earlier request with the same key. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  public static final int MAX_KEY_LENGTH = 255;

  private static final Logger log = LoggerFactory.getLogger(IdempotentRequests.class);

  private final ClusterSharding sharding;
  private final ActorSystem<?> system;
  private final Duration timeout;

  public IdempotentRequests(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.system = system;
    this.timeout = timeout;
  }

  /** Why a key can't be used, or null when it can: 1 to 255 visible ASCII characters. */
  public static String problemOf(String key) {
    if (key.isEmpty() || key.length() > MAX_KEY_LENGTH || !key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
      return HEADER + " must be 1 to " + MAX_KEY_LENGTH + " visible ASCII characters (no spaces)";
    }
    return null;
  }

  /** What identifies a request under a key: its path, content type and body. */
  public static String fingerprint(String path, String contentType, byte[] body) {
    return IdempotencyKey.sha256Hex(
        path.getBytes(StandardCharsets.UTF_8), new byte[] {0},
        contentType.getBytes(StandardCharsets.UTF_8), new byte[] {0},
        body);
  }

  /**
   * Applies {@code write} (given the write id to use) once per key: a final answer (below 500) is recorded and
   * replayed to retries; a 503 is not, so a retry applies the same write id again, which the entities count once.
   */
  public CompletionStage<HttpResponse> run(
      String key, String requestHash, Function<String, CompletionStage<HttpResponse>> write) {
    var entity = sharding.entityRefFor(IdempotencyKey.TYPE_KEY, IdempotencyKey.entityId(key));
    // Begin is idempotent (the same request gets the same write id): asked again while the key's node fails over.
    return PatientAsk.<IdempotencyKey.Command, IdempotencyKey.BeginReply>ask(
            entity, replyTo -> new IdempotencyKey.Begin(requestHash, replyTo), PatientAsk.deadline(timeout),
            system.executionContext())
        .thenCompose(
            reply ->
                switch (reply) {
                  case IdempotencyKey.Proceed p ->
                      write
                          .apply(p.writeId())
                          .thenCompose(
                              response ->
                                  response.status().intValue() < 500
                                      ? record(entity, p.writeId(), response)
                                      : done(response));
                  case IdempotencyKey.Replay r ->
                      done(
                          HttpResponse.create()
                              .withStatus(r.status())
                              .withEntity(ContentTypes.APPLICATION_JSON, r.body())
                              .addHeader(RawHeader.create(REPLAYED_HEADER, "true")));
                  case IdempotencyKey.Mismatch m ->
                      done(
                          JsonBodies.error(
                              StatusCodes.UNPROCESSABLE_CONTENT,
                              HEADER + " was already used with a different request (path or body); use a new key"));
                });
  }

  /** Stores the final answer; if that fails the answer still goes out, and a retry re-applies the same write id. */
  private CompletionStage<HttpResponse> record(
      EntityRef<IdempotencyKey.Command> entity,
      String writeId,
      HttpResponse response) {
    byte[] body = ((HttpEntity.Strict) response.entity()).getData().toArray();
    return PatientAsk.<IdempotencyKey.Command, IdempotencyKey.Finished>ask(
            entity, replyTo -> new IdempotencyKey.Finish(writeId, response.status().intValue(), body, replyTo),
            PatientAsk.deadline(timeout), system.executionContext())
        .handle(
            (finished, failure) -> {
              if (failure != null) {
                log.warn("could not record the answer of idempotent write {}: {}", writeId, failure.toString());
              }
              return response;
            });
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}

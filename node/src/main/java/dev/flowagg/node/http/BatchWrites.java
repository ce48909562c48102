package dev.flowagg.node.http;

import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.aggregate.WriteBatch;
import dev.flowagg.node.idempotency.IdempotentRequests;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.node.settings.RetentionSettings;
import dev.flowagg.node.storage.DatabaseHealth;
import dev.flowagg.protocol.flow.FlowRecord;
import dev.flowagg.protocol.flow.Problem;
import dev.flowagg.protocol.text.StrictUtf8;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamException;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every write endpoint does the same way: check the content type, read the body within the size limit, write
 * validated records all or nothing (once per {@code Idempotency-Key}), and answer within the request timeout — 200
 * only once everything is stored, 503 with {@code Retry-After} when that is unknown.
 */
public final class BatchWrites {

  /** What a route makes of a request body: an answer at once (invalid input), or records to store. */
  public sealed interface Prepared {}

  /** Answer this; nothing is written and an idempotency key is not used up. */
  public record Answer(HttpResponse response) implements Prepared {}

  /** Store these records all or nothing; the 200 body is {@code {"accepted": N}} plus {@code extra} fields. */
  public record Records(List<FlowRecord> records, Map<String, Object> extra) implements Prepared {}

  private static final Logger log = LoggerFactory.getLogger(BatchWrites.class);

  private final FlowWriter writer;
  private final IdempotentRequests idempotent;
  private final NodeSettings settings;
  private final DatabaseHealth health;
  private final Materializer materializer;

  public BatchWrites(
      FlowWriter writer, IdempotentRequests idempotent, NodeSettings settings, DatabaseHealth health,
      Materializer materializer) {
    this.writer = writer;
    this.idempotent = idempotent;
    this.settings = settings;
    this.health = health;
    this.materializer = materializer;
  }

  /**
   * Reads the body of a request that must have {@code mediaType} (in UTF-8, the only charset taken), and stores what
   * {@code prepare} makes of it; the answer comes within the request timeout.
   */
  public CompletionStage<HttpResponse> withBody(
      HttpRequest request, MediaType mediaType, Function<byte[], Prepared> prepare) {
    ContentType contentType = request.entity().getContentType();
    if (!contentType.mediaType().equals(mediaType) || !isUtf8(contentType)) {
      request.discardEntityBytes(materializer);
      return done(
          JsonBodies.error(
              StatusCodes.UNSUPPORTED_MEDIA_TYPE,
              "Content-Type must be " + mediaType + " (charset UTF-8 or none), not " + contentType));
    }
    String key = request.getHeader(IdempotentRequests.HEADER).map(HttpHeader::value).orElse(null);
    if (key != null && IdempotentRequests.problemOf(key) != null) {
      request.discardEntityBytes(materializer);
      return done(JsonBodies.error(StatusCodes.BAD_REQUEST, IdempotentRequests.problemOf(key)));
    }
    String down = health.problem();
    if (down != null) {
      request.discardEntityBytes(materializer);
      return done(JsonBodies.error(
          StatusCodes.SERVICE_UNAVAILABLE,
          "the database does not take writes now (" + down + "); nothing was applied: retry the request",
          RawHeader.create("Retry-After", "1")));
    }
    OptionalLong declared = request.entity().getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > settings.maxBodyBytes()) {
      request.discardEntityBytes(materializer);
      return done(bodyTooLarge());
    }
    String path = request.getUri().path();
    AtomicLong received = new AtomicLong();
    // A future of our own, so that answering before the body is in (deadline, database lost) cancels it for good: a
    // body that completes afterwards (the server ends the stream once it has answered) is then never applied.
    CompletableFuture<ByteString> body = new CompletableFuture<>();
    readBody(request, received).whenComplete((bytes, failure) -> {
      if (failure != null) {
        body.completeExceptionally(failure);
      } else {
        body.complete(bytes);
      }
    });
    CompletionStage<HttpResponse> answer =
        body.thenCompose(
            bytes -> {
              byte[] data = bytes.toArray();
              String notUtf8 = StrictUtf8.problemOf(data);
              if (notUtf8 != null) {
                return done(JsonBodies.error(StatusCodes.BAD_REQUEST, "the body is not valid UTF-8: " + notUtf8));
              }
              return switch (prepare.apply(data)) {
                case Answer a -> done(a.response());
                case Records r when key == null -> write(UUID.randomUUID().toString(), r.records(), r.extra());
                case Records r ->
                    idempotent.run(
                        key,
                        IdempotentRequests.fingerprint(path, mediaType.toString(), data),
                        writeId -> write(writeId, r.records(), r.extra()));
              };
            });
    // Until the whole body is in, nothing has been applied: a failure then is the body's (400 or 413), never a 503.
    // Should the database stop taking writes meanwhile, the request is answered at once rather than at its deadline.
    return answer
        .toCompletableFuture()
        .applyToEither(lostDatabase().thenApply(r -> {
          body.cancel(false);
          return r;
        }), r -> r)
        .orTimeout(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
        .exceptionally(
            failure ->
                !body.cancel(false) && !body.isCompletedExceptionally()
                    ? failureResponse(failure)
                    : bodyFailure(failure, received.get(), declared));
  }

  /** Only UTF-8 is read; a body that names no charset is taken as UTF-8 too (RFC 8259 §8.1 for JSON). */
  private static boolean isUtf8(ContentType contentType) {
    return contentType
        .getCharsetOption()
        .map(c -> c.value().equalsIgnoreCase("UTF-8") || c.value().equalsIgnoreCase("UTF8"))
        .orElse(true);
  }

  /** The answer to a body that did not arrive whole: too large, malformed (bad chunks, cut short), or too slow. */
  private HttpResponse bodyFailure(Throwable failure, long received, OptionalLong declared) {
    String got = declared.isPresent()
        ? received + " of the " + declared.getAsLong() + " bytes its Content-Length announced"
        : received + " bytes";
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof StreamLimitReachedException || t instanceof EntityStreamSizeException) {
        return bodyTooLarge();
      }
      if (t instanceof EntityStreamException e) {
        String summary = e.info().summary();
        return JsonBodies.error(
            StatusCodes.BAD_REQUEST,
            summary.startsWith("Entity stream truncation")
                ? "the request body ended after " + got + ": the client closed the connection; nothing was applied"
                : "the request body is malformed (" + summary + ") after " + got + "; nothing was applied");
      }
    }
    return JsonBodies.error(
        StatusCodes.BAD_REQUEST,
        "the request body did not arrive in full within " + settings.requestTimeout().toMillis() + " ms (" + got
            + " came); nothing was applied");
  }

  private CompletionStage<HttpResponse> write(String writeId, List<FlowRecord> records, Map<String, Object> extra) {
    if (records.isEmpty()) {
      return done(okBody(0, extra));
    }
    List<Problem> outside = outsideRetention(records);
    if (!outside.isEmpty()) {
      return done(JsonBodies.error(
          StatusCodes.BAD_REQUEST, "some records name hours that are not kept; nothing was applied", outside));
    }
    return switch (WriteBatch.fold(records)) {
      case WriteBatch.TooLarge t ->
          done(
              JsonBodies.error(
                  StatusCodes.UNPROCESSABLE_CONTENT, "a total would overflow; nothing was applied", List.of(t.problem())));
      case WriteBatch.Ready ready ->
          writer
              .write(writeId, ready.batch())
              .thenApply(
                  outcome ->
                      switch (outcome) {
                        case FlowWriter.Applied applied -> okBody(applied.records(), extra);
                        case FlowWriter.Refused refused ->
                            JsonBodies.error(StatusCodes.UNPROCESSABLE_CONTENT, refused.error(), refused.details());
                      })
              .exceptionally(this::failureResponse);
    };
  }

  /** The 503 a request gets when the database stops taking writes while it is under way. */
  private CompletableFuture<HttpResponse> lostDatabase() {
    return health.whenLost().thenApply(problem -> unavailable(
        "the database stopped taking writes during the request (" + problem + ")"));
  }

  /** Records whose hour is before the hourly retention or too far ahead of this node's clock (at most 20 named). */
  private List<Problem> outsideRetention(List<FlowRecord> records) {
    long now = System.currentTimeMillis();
    RetentionSettings retention = settings.retention();
    long first = retention.firstHour(now);
    long last = retention.lastHour(now);
    List<Problem> problems = new ArrayList<>();
    for (int i = 0; i < records.size() && problems.size() < 20; i++) {
      long hour = records.get(i).hour();
      if (hour < first) {
        problems.add(new Problem(i, "hour", "hour " + hour + " is before the oldest hour kept (" + first
            + ", FLOWAGG_RETENTION_HOURLY=" + retention.hourly().toDays() + "d)"));
      } else if (hour > last) {
        problems.add(new Problem(i, "hour", "hour " + hour + " is more than " + retention.maxFuture().toHours()
            + " hours after the current hour (" + RetentionSettings.hourOf(now) + ")"));
      }
    }
    return problems;
  }

  private static HttpResponse okBody(int accepted, Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("accepted", accepted);
    body.putAll(extra);
    return JsonBodies.json(StatusCodes.OK, body);
  }

  public HttpResponse tooManyRecords(int limit) {
    return JsonBodies.error(
        StatusCodes.CONTENT_TOO_LARGE, "too many flow records in one request: the limit is " + limit + "; split the batch");
  }

  /** Maps a failed stage to a response; a write that may be unfinished is never reported as done. */
  public HttpResponse failureResponse(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    log.warn("request failed: {}", cause.toString());
    return unavailable(
        cause instanceof TimeoutException
            ? "the aggregator did not answer within " + settings.requestTimeout().toMillis() + " ms"
            : cause instanceof FlowWriter.SliceFailed f
                ? "the write could not be stored (" + f.getMessage() + ")"
                : "the aggregator did not answer (" + cause.getClass().getSimpleName() + ")");
  }

  /**
   * The 503 every route gives when the outcome is unknown: JSON, {@code Retry-After}, and the advice that makes a
   * retry safe.
   */
  public static HttpResponse unavailable(String why) {
    return JsonBodies.error(
        StatusCodes.SERVICE_UNAVAILABLE,
        why + "; the request may or may not have been applied, in whole or in part: retry it with the same "
            + "Idempotency-Key to apply it exactly once",
        RawHeader.create("Retry-After", "1"));
  }

  /**
   * The whole body, failing with {@link StreamLimitReachedException} as soon as it passes the limit; {@code received}
   * counts the bytes as they come.
   */
  private CompletionStage<ByteString> readBody(HttpRequest request, AtomicLong received) {
    return request
        .entity()
        .withoutSizeLimit()
        .getDataBytes()
        .map(
            chunk -> {
              received.addAndGet(chunk.size());
              return chunk;
            })
        .limitWeighted(settings.maxBodyBytes(), chunk -> (long) chunk.size())
        .completionTimeout(settings.requestTimeout())
        .runFold(ByteString.emptyByteString(), ByteString::concat, materializer);
  }

  private HttpResponse bodyTooLarge() {
    return JsonBodies.error(
        StatusCodes.CONTENT_TOO_LARGE,
        "request body is larger than the limit of " + settings.maxBodyBytes() + " bytes; split the batch");
  }

  static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}

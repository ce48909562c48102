package dev.flowagg.node.http;

import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.aggregate.WriteBatch;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.protocol.flow.FlowRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaType;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every write endpoint does the same way: check the content type, read the body within the size limit, write
 * validated records all or nothing, and answer — 200 only once everything is stored, 503 when that is unknown.
 */
public final class BatchWrites {

  private static final Logger log = LoggerFactory.getLogger(BatchWrites.class);

  private final FlowWriter writer;
  private final NodeSettings settings;
  private final Materializer materializer;

  public BatchWrites(FlowWriter writer, NodeSettings settings, Materializer materializer) {
    this.writer = writer;
    this.settings = settings;
    this.materializer = materializer;
  }

  /**
   * Reads the body of a request that must have {@code mediaType}, and answers with what {@code handle} makes of it.
   */
  public CompletionStage<HttpResponse> withBody(
      HttpRequest request, MediaType mediaType, Function<byte[], CompletionStage<HttpResponse>> handle) {
    if (!request.entity().getContentType().mediaType().equals(mediaType)) {
      return done(
          JsonBodies.error(
              StatusCodes.UNSUPPORTED_MEDIA_TYPE,
              "Content-Type must be " + mediaType + ", not " + request.entity().getContentType()));
    }
    OptionalLong declared = request.entity().getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > settings.maxBodyBytes()) {
      request.discardEntityBytes(materializer);
      return done(bodyTooLarge());
    }
    return readBody(request).thenCompose(body -> handle.apply(body.toArray())).exceptionally(this::failureResponse);
  }

  /** Stores the records all or nothing; the 200 body is {@code {"accepted": N}} plus {@code extra} fields. */
  public CompletionStage<HttpResponse> write(List<FlowRecord> records, Map<String, Object> extra) {
    return switch (WriteBatch.fold(records)) {
      case WriteBatch.TooLarge t ->
          done(
              JsonBodies.error(
                  StatusCodes.UNPROCESSABLE_CONTENT, "a total would overflow; nothing was applied", List.of(t.problem())));
      case WriteBatch.Ready ready ->
          writer
              .write(UUID.randomUUID().toString(), ready.batch())
              .thenApply(
                  outcome ->
                      switch (outcome) {
                        case FlowWriter.Applied applied -> {
                          Map<String, Object> body = new LinkedHashMap<>();
                          body.put("accepted", applied.records());
                          body.putAll(extra);
                          yield JsonBodies.json(StatusCodes.OK, body);
                        }
                        case FlowWriter.Refused refused ->
                            JsonBodies.error(StatusCodes.UNPROCESSABLE_CONTENT, refused.error(), refused.details());
                      })
              .exceptionally(this::failureResponse);
    };
  }

  public HttpResponse tooManyRecords(int limit) {
    return JsonBodies.error(
        StatusCodes.CONTENT_TOO_LARGE, "too many flow records in one request: the limit is " + limit + "; split the batch");
  }

  /** Maps a failed stage to a response; a write that may be unfinished is never reported as done. */
  public HttpResponse failureResponse(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof StreamLimitReachedException || t instanceof EntityStreamSizeException) {
        return bodyTooLarge();
      }
    }
    log.warn("request failed: {}", cause.toString());
    return JsonBodies.error(
        StatusCodes.SERVICE_UNAVAILABLE,
        "the aggregator did not answer in time (" + cause.getClass().getSimpleName() + "); retry the request",
        RawHeader.create("Retry-After", "1"));
  }

  /** The whole body, failing with {@link StreamLimitReachedException} as soon as it passes the limit. */
  private CompletionStage<ByteString> readBody(HttpRequest request) {
    return request
        .entity()
        .withoutSizeLimit()
        .getDataBytes()
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

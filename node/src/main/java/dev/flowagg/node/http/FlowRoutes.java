package dev.flowagg.node.http;

import dev.flowagg.node.aggregate.FlowReader;
import dev.flowagg.node.aggregate.FlowWriter;
import dev.flowagg.node.aggregate.HourTotals;
import dev.flowagg.node.aggregate.WriteBatch;
import dev.flowagg.node.settings.NodeSettings;
import dev.flowagg.protocol.flow.FlowRecordParser;
import dev.flowagg.protocol.flow.ParseOutcome;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.StreamLimitReachedException;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code POST /flows} and {@code GET /flows?hour=N}. */
public final class FlowRoutes extends AllDirectives {

  private static final Logger log = LoggerFactory.getLogger(FlowRoutes.class);

  /** One row of {@code GET /flows}: the same field names a client posts. */
  public record FlowRow(String srcApp, String destApp, String vpcId, long bytesTx, long bytesRx, long hour) {
    static FlowRow of(HourTotals t) {
      return new FlowRow(t.key().srcApp(), t.key().destApp(), t.key().vpcId(), t.bytesTx(), t.bytesRx(), t.hour());
    }
  }

  private final FlowWriter writer;
  private final FlowReader reader;
  private final NodeSettings settings;
  private final FlowRecordParser parser;
  private final Materializer materializer;

  public FlowRoutes(FlowWriter writer, FlowReader reader, NodeSettings settings, Materializer materializer) {
    this.writer = writer;
    this.reader = reader;
    this.settings = settings;
    this.parser = new FlowRecordParser(settings.maxRecordsPerRequest());
    this.materializer = materializer;
  }

  public Route routes() {
    return path(
        "flows",
        () ->
            concat(
                post(() -> extractRequest(request -> completeWithFuture(postFlows(request)))),
                get(() -> parameterList("hour", hours -> completeWithFuture(getFlows(hours)))),
                RouteFallbacks.methodNotAllowed("GET, POST")));
  }

  private CompletionStage<HttpResponse> postFlows(HttpRequest request) {
    if (!request.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON)) {
      return done(
          JsonBodies.error(
              StatusCodes.UNSUPPORTED_MEDIA_TYPE,
              "Content-Type must be application/json, not " + request.entity().getContentType()));
    }
    OptionalLong declared = request.entity().getContentLengthOption();
    if (declared.isPresent() && declared.getAsLong() > settings.maxBodyBytes()) {
      request.discardEntityBytes(materializer);
      return done(bodyTooLarge());
    }
    return readBody(request).thenCompose(body -> applyBody(body.toArray())).exceptionally(this::failureResponse);
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

  private CompletionStage<HttpResponse> applyBody(byte[] body) {
    return switch (parser.parse(body)) {
      case ParseOutcome.Rejected r -> done(JsonBodies.error(StatusCodes.BAD_REQUEST, r.error(), r.details()));
      case ParseOutcome.TooManyRecords t ->
          done(
              JsonBodies.error(
                  StatusCodes.CONTENT_TOO_LARGE,
                  "too many flow records in one request: the limit is " + t.limit() + "; split the batch"));
      case ParseOutcome.Accepted a ->
          switch (WriteBatch.fold(a.records())) {
            case WriteBatch.TooLarge t ->
                done(
                    JsonBodies.error(
                        StatusCodes.UNPROCESSABLE_CONTENT,
                        "a total would overflow; nothing was applied",
                        List.of(t.problem())));
            case WriteBatch.Ready ready ->
                writer
                    .write(UUID.randomUUID().toString(), ready.batch())
                    .thenApply(
                        outcome ->
                            switch (outcome) {
                              case FlowWriter.Applied applied ->
                                  JsonBodies.json(StatusCodes.OK, Map.of("accepted", applied.records()));
                              case FlowWriter.Refused refused ->
                                  JsonBodies.error(
                                      StatusCodes.UNPROCESSABLE_CONTENT, refused.error(), refused.details());
                            });
          };
    };
  }

  private CompletionStage<HttpResponse> getFlows(List<String> hours) {
    if (hours.size() != 1) {
      return done(
          JsonBodies.error(
              StatusCodes.BAD_REQUEST,
              hours.isEmpty()
                  ? "query parameter 'hour' is required: GET /flows?hour=N"
                  : "query parameter 'hour' must be given once"));
    }
    long hour = parseHour(hours.getFirst());
    if (hour < 0) {
      return done(
          JsonBodies.error(
              StatusCodes.BAD_REQUEST,
              "query parameter 'hour' must be a non-negative integer, not '" + hours.getFirst() + "'"));
    }
    return reader
        .readHour(hour)
        .thenApply(totals -> JsonBodies.json(StatusCodes.OK, totals.stream().map(FlowRow::of).toList()))
        .exceptionally(this::failureResponse);
  }

  /** The hour, or -1 when the text is not a non-negative integer that fits in 63 bits. */
  static long parseHour(String text) {
    if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private HttpResponse bodyTooLarge() {
    return JsonBodies.error(
        StatusCodes.CONTENT_TOO_LARGE,
        "request body is larger than the limit of " + settings.maxBodyBytes() + " bytes; split the batch");
  }

  /** Maps a failed stage to a response; a write that may be unfinished is never reported as done. */
  private HttpResponse failureResponse(Throwable failure) {
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

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }
}

package dev.flowagg.node.http;

import static dev.flowagg.node.http.BatchWrites.done;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.flowagg.node.query.HourRows;
import dev.flowagg.node.query.TotalsEngine;
import dev.flowagg.node.storage.Database;
import dev.flowagg.node.storage.DatabaseHealth;
import dev.flowagg.protocol.flow.FlowRecordParser;
import dev.flowagg.protocol.flow.ParseOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/** {@code POST /flows} (a JSON array of flow records) and {@code GET /flows?hour=N}. */
public final class FlowRoutes extends AllDirectives {

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
  private static final int ROWS_PER_CHUNK = 512;

  private final BatchWrites writes;
  private final Database db;
  private final TotalsEngine engine;
  private final DatabaseHealth health;
  private final Executor blocking;
  private final FlowRecordParser parser;

  public FlowRoutes(
      BatchWrites writes, Database db, TotalsEngine engine, DatabaseHealth health, Executor blocking,
      int maxRecordsPerRequest) {
    this.writes = writes;
    this.db = db;
    this.engine = engine;
    this.health = health;
    this.blocking = blocking;
    this.parser = new FlowRecordParser(maxRecordsPerRequest);
  }

  public Route routes() {
    return path(
        "flows",
        () ->
            concat(
                post(
                    () ->
                        extractRequest(
                            request ->
                                completeWithFuture(
                                    writes.withBody(request, MediaTypes.APPLICATION_JSON, this::applyBody)))),
                get(() -> parameterMultiMap(params -> completeWithFuture(getFlows(params)))),
                RouteFallbacks.methodNotAllowed("GET, POST")));
  }

  private BatchWrites.Prepared applyBody(byte[] body) {
    return switch (parser.parse(body)) {
      case ParseOutcome.Rejected r ->
          new BatchWrites.Answer(JsonBodies.error(StatusCodes.BAD_REQUEST, r.error(), r.details()));
      case ParseOutcome.TooManyRecords t -> new BatchWrites.Answer(writes.tooManyRecords(t.limit()));
      case ParseOutcome.Accepted a -> new BatchWrites.Records(a.records(), Map.of());
    };
  }

  private CompletionStage<HttpResponse> getFlows(Map<String, List<String>> params) {
    List<String> unknown = params.keySet().stream().filter(p -> !p.equals("hour")).sorted().toList();
    if (!unknown.isEmpty()) {
      return done(JsonBodies.error(StatusCodes.BAD_REQUEST, "unknown query parameter " + String.join(", ", unknown)
          + ": GET /flows takes only hour; GET /totals takes ranges, filters, groups and formats"));
    }
    List<String> hours = params.getOrDefault("hour", List.of());
    if (hours.size() != 1) {
      return done(
          JsonBodies.error(
              StatusCodes.BAD_REQUEST,
              hours.isEmpty()
                  ? "query parameter 'hour' is required: GET /flows?hour=N"
                  : "query parameter 'hour' must be given once"));
    }
    // Written as in a POST body: decimal digits without sign or leading zeros.
    long hour = FlowRecordParser.parseCount(hours.getFirst());
    if (hour < 0) {
      return done(
          JsonBodies.error(
              StatusCodes.BAD_REQUEST,
              "query parameter 'hour' must be a non-negative integer without sign or leading zeros, not '"
                  + hours.getFirst() + "'"));
    }
    String down = health.problem();
    if (down != null) {
      return done(unreadable(down));
    }
    return CompletableFuture.supplyAsync(() -> open(hour), blocking)
        .thenApply(rows -> HttpResponse.create()
            .withStatus(StatusCodes.OK)
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, stream(rows, hour))))
        .exceptionally(failure -> unreadable(rootMessage(failure)));
  }

  /** The 503 of a read the database could not answer: nothing happened, a retry is safe. */
  static HttpResponse unreadable(String why) {
    return JsonBodies.error(
        StatusCodes.SERVICE_UNAVAILABLE, "the database is unavailable (" + why + "); nothing was read: retry the request",
        RawHeader.create("Retry-After", "1"));
  }

  private HourRows open(long hour) {
    try {
      return HourRows.open(db, engine, hour);
    } catch (SQLException e) {
      throw new UncheckedIOException(new IOException(e.getMessage(), e));
    }
  }

  /** The hour's rows as one JSON array, written a chunk of rows at a time as the cursor yields them. */
  private static Source<ByteString, ?> stream(HourRows rows, long hour) {
    boolean[] started = {false};
    boolean[] ended = {false};
    return Source.unfoldResource(
        () -> rows,
        r -> {
          if (ended[0]) {
            return Optional.empty();
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream(64 * ROWS_PER_CHUNK);
          if (!started[0]) {
            out.write('[');
          }
          try (JsonGenerator g = JSON.createGenerator(out).setRootValueSeparator(null)) {
            for (int n = 0; n < ROWS_PER_CHUNK; n++) {
              HourRows.Row row = r.next();
              if (row == null) {
                ended[0] = true;
                break;
              }
              if (started[0]) {
                g.writeRaw(',');
              }
              started[0] = true;
              g.writeStartObject();
              g.writeStringField("src_app", row.srcApp());
              g.writeStringField("dest_app", row.destApp());
              g.writeStringField("vpc_id", row.vpcId());
              g.writeNumberField("bytes_tx", row.bytesTx());
              g.writeNumberField("bytes_rx", row.bytesRx());
              g.writeNumberField("hour", hour);
              g.writeEndObject();
            }
          }
          if (ended[0]) {
            out.write(']');
          }
          return Optional.of(ByteString.fromArrayUnsafe(out.toByteArray()));
        },
        HourRows::close);
  }

  private static String rootMessage(Throwable t) {
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}

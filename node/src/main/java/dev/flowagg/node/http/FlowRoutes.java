package dev.flowagg.node.http;

import static dev.flowagg.node.http.BatchWrites.done;

import dev.flowagg.node.aggregate.FlowReader;
import dev.flowagg.node.aggregate.HourTotals;
import dev.flowagg.protocol.flow.FlowRecordParser;
import dev.flowagg.protocol.flow.ParseOutcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code POST /flows} (a JSON array of flow records) and {@code GET /flows?hour=N}. */
public final class FlowRoutes extends AllDirectives {

  /** One row of {@code GET /flows}: the same field names a client posts. */
  public record FlowRow(String srcApp, String destApp, String vpcId, long bytesTx, long bytesRx, long hour) {
    static FlowRow of(HourTotals t) {
      return new FlowRow(t.key().srcApp(), t.key().destApp(), t.key().vpcId(), t.bytesTx(), t.bytesRx(), t.hour());
    }
  }

  private final BatchWrites writes;
  private final FlowReader reader;
  private final FlowRecordParser parser;

  public FlowRoutes(BatchWrites writes, FlowReader reader, int maxRecordsPerRequest) {
    this.writes = writes;
    this.reader = reader;
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
                get(() -> parameterList("hour", hours -> completeWithFuture(getFlows(hours)))),
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

  private CompletionStage<HttpResponse> getFlows(List<String> hours) {
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
    return writes.withinDeadline(
        reader
            .readHour(hour)
            .thenApply(totals -> JsonBodies.json(StatusCodes.OK, totals.stream().map(FlowRow::of).toList())));
  }
}

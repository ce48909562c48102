package dev.flowagg.node.http;

import dev.flowagg.node.settings.Classification;
import dev.flowagg.protocol.vpclog.FlowLogConverter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /flowlogs}: AWS VPC flow-log lines (text/plain, optionally a header line first) added to the flow
 * totals, all or nothing: one malformed line rejects the request with every bad line named.
 */
public final class FlowLogRoutes extends AllDirectives {

  private final BatchWrites writes;
  private final FlowLogConverter converter;
  private final int maxRecordsPerRequest;

  public FlowLogRoutes(BatchWrites writes, Classification classification, int maxRecordsPerRequest) {
    this.writes = writes;
    this.converter = new FlowLogConverter(classification.rules(), classification.lookup());
    this.maxRecordsPerRequest = maxRecordsPerRequest;
  }

  public Route routes() {
    return path(
        "flowlogs",
        () ->
            concat(
                post(
                    () ->
                        extractRequest(
                            request ->
                                completeWithFuture(writes.withBody(request, MediaTypes.TEXT_PLAIN, this::applyBody)))),
                RouteFallbacks.methodNotAllowed("POST")));
  }

  private BatchWrites.Prepared applyBody(byte[] body) {
    // BatchWrites lets only well-formed UTF-8 through.
    List<String> lines = new String(body, StandardCharsets.UTF_8).lines().toList();
    if (lines.stream().allMatch(String::isBlank)) {
      return new BatchWrites.Answer(
          JsonBodies.error(StatusCodes.BAD_REQUEST, "request body is empty: send VPC flow log lines"));
    }
    if (lines.size() > maxRecordsPerRequest + 1) {
      return new BatchWrites.Answer(writes.tooManyRecords(maxRecordsPerRequest));
    }
    return switch (converter.convert(lines)) {
      case FlowLogConverter.Conversion.Rejected r ->
          new BatchWrites.Answer(
              JsonBodies.error(
                  StatusCodes.BAD_REQUEST,
                  r.problems().size() + " malformed flow log line(s); nothing was applied",
                  r.problems()));
      case FlowLogConverter.Conversion.Converted c ->
          new BatchWrites.Records(c.records(), Map.of("skipped", c.skipped()));
    };
  }
}

package dev.flowagg.node.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.flowagg.node.query.TotalsEngine;
import dev.flowagg.node.query.TotalsQuery;
import dev.flowagg.node.query.TotalsQuery.Bucket;
import dev.flowagg.node.query.TotalsQuery.Dimension;
import dev.flowagg.node.storage.DatabaseHealth;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /totals}: byte totals over a time range, bucketed by hour or day (or not), filtered, grouped, ranked,
 * as JSON (paged by cursor), NDJSON or CSV. See {@link TotalsQuery} for the parameters. Rows are written as the engine
 * produces them, bucket by bucket; a failure before the first rows is a JSON error, not a broken body.
 */
public final class TotalsRoutes extends AllDirectives {

  private static final JsonFactory JSON =
      JsonFactory.builder().enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
  /** Bytes written before the answer starts; the rest streams. */
  private static final int HEAD_BYTES = 64 * 1024;

  private final TotalsEngine engine;
  private final DatabaseHealth health;
  private final Executor blocking;
  private final Materializer materializer;

  public TotalsRoutes(TotalsEngine engine, DatabaseHealth health, Executor blocking, Materializer materializer) {
    this.engine = engine;
    this.health = health;
    this.blocking = blocking;
    this.materializer = materializer;
  }

  public Route routes() {
    return path(
        "totals",
        () -> concat(
            get(() -> extractRequest(request -> parameterMultiMap(params -> completeWithFuture(
                answer(params, request.getHeader("Accept").map(HttpHeader::value).orElse(null)))))),
            RouteFallbacks.methodNotAllowed("GET")));
  }

  private CompletionStage<HttpResponse> answer(Map<String, List<String>> params, String accept) {
    TotalsQuery q;
    switch (TotalsQuery.parse(params, accept, System.currentTimeMillis())) {
      case TotalsQuery.Invalid invalid -> {
        return CompletableFuture.completedFuture(
            JsonBodies.error(StatusCodes.BAD_REQUEST, "invalid query", invalid.problems()));
      }
      case TotalsQuery.Valid valid -> q = valid.query();
    }
    String down = health.problem();
    if (down != null) {
      return CompletableFuture.completedFuture(FlowRoutes.unreadable(down));
    }
    try {
      engine.checkRetention(q);
    } catch (TotalsEngine.Refused r) {
      return CompletableFuture.completedFuture(JsonBodies.error(
          StatusCodes.BAD_REQUEST, "invalid query", List.of(new TotalsQuery.Problem(r.parameter, r.getMessage()))));
    }
    Pair<SourceQueueWithComplete<ByteString>, Source<ByteString, NotUsed>> queue =
        Source.<ByteString>queue(8, OverflowStrategy.backpressure()).preMaterialize(materializer);
    Body body = new Body(queue.first());
    TotalsQuery query = q;
    CompletableFuture.runAsync(() -> write(query, body), blocking);
    return body.head.thenApply(head -> {
      if (head.failure() != null) {
        return failure(head.failure());
      }
      Source<ByteString, NotUsed> rest = head.finished() ? Source.empty() : queue.second();
      return HttpResponse.create()
          .withStatus(StatusCodes.OK)
          .withEntity(HttpEntities.create(contentType(query.format()), Source.single(head.bytes()).concat(rest)));
    });
  }

  private static ContentType contentType(TotalsQuery.Format format) {
    return switch (format) {
      case JSON -> ContentTypes.APPLICATION_JSON;
      case NDJSON -> ContentTypes.create(MediaTypes.applicationWithFixedCharset("x-ndjson",
          org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8));
      case CSV -> ContentTypes.create(MediaTypes.TEXT_CSV, org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
    };
  }

  private static HttpResponse failure(Throwable t) {
    if (t instanceof TotalsEngine.Refused r) {
      return JsonBodies.error(
          StatusCodes.BAD_REQUEST, "invalid query", List.of(new TotalsQuery.Problem(r.parameter, r.getMessage())));
    }
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return FlowRoutes.unreadable(root.getMessage());
  }

  /** Runs the query and writes its rows in the query's format; on the blocking dispatcher. */
  private void write(TotalsQuery q, Body out) {
    try {
      RowWriter writer = switch (q.format()) {
        case JSON -> new JsonRows(q, out);
        case NDJSON -> new NdjsonRows(out);
        case CSV -> new CsvRows(q, out);
      };
      int[] written = {0};
      TotalsEngine.Outcome outcome = engine.run(q, row -> {
        if (written[0] == q.limit()) {
          return false;
        }
        try {
          writer.row(row);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        written[0]++;
        return true;
      });
      writer.end(outcome.nextCursor());
      out.close();
    } catch (Exception e) {
      out.fail(e);
    }
  }

  /** Writes rows in one format. */
  private interface RowWriter {
    void row(TotalsEngine.Row row) throws IOException;

    void end(String nextCursor) throws IOException;
  }

  private static final class JsonRows implements RowWriter {
    private final JsonGenerator g;
    private final TotalsQuery q;

    JsonRows(TotalsQuery q, OutputStream out) throws IOException {
      this.q = q;
      this.g = JSON.createGenerator(out);
      g.writeStartObject();
      g.writeStringField("from", TotalsQuery.iso(q.fromHour()));
      g.writeStringField("to", TotalsQuery.iso(q.toHour()));
      g.writeStringField("bucket", q.bucket().name().toLowerCase(java.util.Locale.ROOT));
      g.writeArrayFieldStart("group_by");
      for (Dimension d : q.groupBy()) {
        g.writeString(d.field());
      }
      g.writeEndArray();
      g.writeStringField("order_by", q.order().label());
      if (q.top() > 0) {
        g.writeNumberField("top", q.top());
      }
      g.writeArrayFieldStart("rows");
    }

    @Override
    public void row(TotalsEngine.Row row) throws IOException {
      writeRow(g, row);
    }

    @Override
    public void end(String nextCursor) throws IOException {
      g.writeEndArray();
      g.writeStringField("next_cursor", nextCursor);
      g.writeEndObject();
      g.flush();
    }
  }

  private static final class NdjsonRows implements RowWriter {
    private final OutputStream out;

    NdjsonRows(OutputStream out) {
      this.out = out;
    }

    @Override
    public void row(TotalsEngine.Row row) throws IOException {
      JsonGenerator g = JSON.createGenerator(out);
      g.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
      writeRow(g, row);
      g.close();
      out.write('\n');
    }

    @Override
    public void end(String nextCursor) {}
  }

  /** Fields a row has: its bucket, the names grouped by (or "other"), and the totals. */
  private static void writeRow(JsonGenerator g, TotalsEngine.Row row) throws IOException {
    g.writeStartObject();
    if (row.bucket() != Bucket.NONE) {
      long hour = row.bucket() == Bucket.DAY ? row.at() * 24 : row.at();
      g.writeStringField("time", TotalsQuery.iso(hour));
      g.writeNumberField(row.bucket() == Bucket.DAY ? "day" : "hour", row.at());
    }
    if (row.other()) {
      g.writeBooleanField("other", true);
    } else {
      if (row.srcApp() != null) {
        g.writeStringField("src_app", row.srcApp());
      }
      if (row.destApp() != null) {
        g.writeStringField("dest_app", row.destApp());
      }
      if (row.vpcId() != null) {
        g.writeStringField("vpc_id", row.vpcId());
      }
    }
    g.writeNumberField("bytes_tx", row.bytesTx());
    g.writeNumberField("bytes_rx", row.bytesRx());
    g.writeEndObject();
  }

  /** RFC 4180 CSV: a header line, then one line per row; fields quoted when they hold a comma, quote or line break. */
  private static final class CsvRows implements RowWriter {
    private final OutputStream out;
    private final TotalsQuery q;

    CsvRows(TotalsQuery q, OutputStream out) throws IOException {
      this.q = q;
      this.out = out;
      List<String> header = new ArrayList<>();
      if (q.bucket() != Bucket.NONE) {
        header.add("time");
        header.add(q.bucket() == Bucket.DAY ? "day" : "hour");
      }
      for (Dimension d : q.groupBy()) {
        header.add(d.field());
      }
      header.add("bytes_tx");
      header.add("bytes_rx");
      if (q.top() > 0) {
        header.add("other");
      }
      line(header);
    }

    @Override
    public void row(TotalsEngine.Row row) throws IOException {
      List<String> fields = new ArrayList<>();
      if (q.bucket() != Bucket.NONE) {
        fields.add(TotalsQuery.iso(row.bucket() == Bucket.DAY ? row.at() * 24 : row.at()));
        fields.add(Long.toString(row.at()));
      }
      for (Dimension d : q.groupBy()) {
        String name = switch (d) {
          case SRC_APP -> row.srcApp();
          case DEST_APP -> row.destApp();
          case VPC_ID -> row.vpcId();
        };
        fields.add(name == null ? "" : name);
      }
      fields.add(Long.toString(row.bytesTx()));
      fields.add(Long.toString(row.bytesRx()));
      if (q.top() > 0) {
        fields.add(row.other() ? "true" : "false");
      }
      line(fields);
    }

    @Override
    public void end(String nextCursor) {}

    private void line(List<String> fields) throws IOException {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < fields.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        String f = fields.get(i);
        if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
          b.append('"').append(f.replace("\"", "\"\"")).append('"');
        } else {
          b.append(f);
        }
      }
      b.append("\r\n");
      out.write(b.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The answer's first bytes (and whether that was all), or why it failed before any. */
  private record Head(ByteString bytes, boolean finished, Throwable failure) {}

  /**
   * What the engine writes: the first {@value #HEAD_BYTES} bytes are held until the answer is known to start well;
   * after that, bytes go to the response stream as they come, waiting while the client reads slowly.
   */
  private static final class Body extends OutputStream {
    final CompletableFuture<Head> head = new CompletableFuture<>();
    private final SourceQueueWithComplete<ByteString> queue;
    private final java.io.ByteArrayOutputStream buffer = new java.io.ByteArrayOutputStream(HEAD_BYTES);
    private boolean streaming;

    Body(SourceQueueWithComplete<ByteString> queue) {
      this.queue = queue;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      buffer.write(b, off, len);
      if (buffer.size() >= HEAD_BYTES) {
        flushBuffer();
      }
    }

    private void flushBuffer() {
      ByteString bytes = ByteString.fromArrayUnsafe(buffer.toByteArray());
      buffer.reset();
      if (!streaming) {
        streaming = true;
        head.complete(new Head(bytes, false, null));
        return;
      }
      try {
        queue.offer(bytes).toCompletableFuture().join();
      } catch (RuntimeException e) {
        throw new UncheckedIOException(new IOException("the client went away", e));
      }
    }

    @Override
    public void close() {
      if (!streaming) {
        head.complete(new Head(ByteString.fromArrayUnsafe(buffer.toByteArray()), true, null));
        queue.complete();
        return;
      }
      if (buffer.size() > 0) {
        flushBuffer();
      }
      queue.complete();
    }

    void fail(Throwable t) {
      if (!streaming) {
        head.complete(new Head(null, true, t));
        queue.complete();
      } else {
        queue.fail(t);
      }
    }
  }
}

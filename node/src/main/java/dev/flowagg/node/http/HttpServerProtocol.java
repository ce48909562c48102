package dev.flowagg.node.http;

import dev.flowagg.node.logging.BadInputLog;
import dev.flowagg.node.logging.LogText;
import dev.flowagg.node.logging.WarningThrottle;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.settings.ParserSettings;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;

/**
 * What flowagg asks of Pekko HTTP's server below the routes: a request too malformed to reach them (431, 414, 505,
 * framing 400s) is still answered with the JSON error body and the connection closed, a request line that is not
 * HTTP is refused at once, and a charset declared with JSON reaches the routes.
 */
public final class HttpServerProtocol {

  private HttpServerProtocol() {}

  /** The server settings with flowagg's parse-error answers, method parsing and JSON media type. */
  public static ServerSettings adapt(ServerSettings settings) {
    ParserSettings parsing =
        settings
            .getParserSettings()
            // Pekko reads up to max-method-length bytes looking for the space after a method it does not know, so
            // "GET\r\n\r\n" waited for more and got no answer. With 1, anything but GET, POST and the other standard
            // methods is a 400 at its first byte.
            .withMaxMethodLength(1)
            // Pekko's application/json has its charset fixed to UTF-8 and drops a declared one; with an open charset
            // the routes see "charset=iso-8859-1" and refuse it (415).
            .withCustomMediaTypes(MediaTypes.applicationWithOpenCharset("json"));
    return settings
        .withParserSettings(parsing)
        .withParsingErrorHandler(JsonParsingErrors.class.getName())
        .withTerminationDeadlineExceededResponse(
            BatchWrites.unavailable("the node stopped before it could answer"));
  }

  /**
   * The answer to a request Pekko could not parse, as the JSON error body: the same status (431 also for too many
   * headers, which Pekko answers 400), and Pekko closes the connection after it. Pekko makes one per connection, by
   * reflection.
   */
  public static final class JsonParsingErrors extends ParsingErrorHandler {

    private static final WarningThrottle THROTTLE = new WarningThrottle(Duration.ofSeconds(10));
    private static final String TOO_MANY_HEADERS = "HTTP message contains more than the configured limit of";

    @Override
    public HttpResponse handle(
        org.apache.pekko.http.scaladsl.model.StatusCode status,
        ErrorInfo info,
        LoggingAdapter log,
        org.apache.pekko.http.scaladsl.settings.ServerSettings settings) {
      HttpResponse response = answer(status.intValue(), info.summary(), info.detail());
      long suppressed = THROTTLE.admit("unparsable", System.nanoTime());
      if (suppressed >= 0) {
        BadInputLog.log.warn(
            "unparsable HTTP request answered {}: {}{}",
            response.status().intValue(),
            LogText.printable(info.summary() + (info.detail().isEmpty() ? "" : ": " + info.detail()), 300),
            suppressed == 0 ? "" : " (" + suppressed + " more in the last " + THROTTLE.interval().toSeconds() + " s)");
      }
      return response;
    }

    private static HttpResponse answer(int status, String summary, String detail) {
      if (summary.equals("Unsupported HTTP method")) {
        return JsonBodies.error(
            StatusCodes.BAD_REQUEST,
            "not an HTTP request line: it must start with GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, TRACE or"
                + " CONNECT and a space",
            List.of());
      }
      if (status == StatusCodes.HTTPVERSION_NOT_SUPPORTED.intValue()) {
        return JsonBodies.error(
            StatusCodes.HTTPVERSION_NOT_SUPPORTED,
            "the request line must end in HTTP/1.1 or HTTP/1.0: the server speaks no other HTTP version",
            List.of());
      }
      StatusCode answered =
          summary.startsWith(TOO_MANY_HEADERS) ? StatusCodes.REQUEST_HEADER_FIELDS_TOO_LARGE : StatusCodes.get(status);
      String error = summary.isEmpty() ? answered.reason() : summary;
      return JsonBodies.error(answered, error, detail.isEmpty() ? List.of() : List.of(detail));
    }
  }
}

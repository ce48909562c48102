package dev.flowagg.node.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;

/** JSON responses: records written with snake_case names, and the one error body shape every route uses. */
public final class JsonBodies {

  // Characters outside the BMP are written as UTF-8, not as escaped surrogate pairs: names round-trip byte for byte.
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .build();

  /** The body of every error: what went wrong, and per record/field details where there are any. */
  public record ErrorBody(String error, List<?> details) {}

  private JsonBodies() {}

  public static HttpResponse json(StatusCode status, Object body, HttpHeader... headers) {
    try {
      return HttpResponse.create()
          .withStatus(status)
          .withEntity(ContentTypes.APPLICATION_JSON, MAPPER.writeValueAsBytes(body))
          .addHeaders(List.of(headers));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response body not serializable: " + body.getClass(), e);
    }
  }

  public static HttpResponse error(StatusCode status, String error, HttpHeader... headers) {
    return json(status, new ErrorBody(error, List.of()), headers);
  }

  public static HttpResponse error(StatusCode status, String error, List<?> details) {
    return json(status, new ErrorBody(error, details));
  }
}

package dev.flowagg.node.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small client for a node's HTTP API over a real socket. */
public final class HttpApi {

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;

  public HttpApi(String base) {
    this.base = base;
  }

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public HttpResponse<String> postJson(String path, String body) {
    return post(path, "application/json", body);
  }

  public HttpResponse<String> post(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", contentType)
            .timeout(DEFAULT_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  /** A POST of these exact bytes, for bodies that are not valid text. */
  public HttpResponse<String> post(String path, String contentType, byte[] body) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", contentType)
            .timeout(DEFAULT_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  /** A POST carrying an {@code Idempotency-Key} header. */
  public HttpResponse<String> post(String path, String contentType, String body, String idempotencyKey) {
    return send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Content-Type", contentType)
            .header("Idempotency-Key", idempotencyKey)
            .timeout(DEFAULT_TIMEOUT)
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  public HttpResponse<String> get(String path) {
    return get(path, DEFAULT_TIMEOUT);
  }

  /** A GET that gives up after {@code timeout}: for polling while the cluster moves shards. */
  public HttpResponse<String> get(String path, Duration timeout) {
    return send(HttpRequest.newBuilder(URI.create(base + path)).GET().timeout(timeout));
  }

  public HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public String base() {
    return base;
  }
}

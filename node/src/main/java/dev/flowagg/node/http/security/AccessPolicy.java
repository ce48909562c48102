package dev.flowagg.node.http.security;

import java.util.Locale;
import java.util.Optional;

/**
 * Who may do what: sorts a request into open, console, metrics, read or write, identifies its bearer token, and decides.
 *
 * <p>Each kind is open while its token list is empty. A write token may also read and scrape metrics; a read token may
 * also scrape metrics; the metrics token may only scrape metrics.
 */
public final class AccessPolicy {

  /** What a request does, which decides the tokens it needs. */
  public enum Kind {
    /** {@code /health/*}: probes never authenticate. */
    OPEN,
    /** {@code GET /} and {@code GET /console/*}: the console's page and assets hold no data, so anyone may load them. */
    CONSOLE,
    /** {@code /metrics}: FLOWAGG_METRICS_TOKEN. */
    METRICS,
    /** Safe methods (GET, HEAD, OPTIONS) anywhere else: FLOWAGG_READ_TOKENS. */
    READ,
    /** Every other method: FLOWAGG_WRITE_TOKENS. */
    WRITE
  }

  /** The list a valid token came from, and its position there: the identity a rate limit is kept per. */
  public record TokenId(Kind list, int index) {}

  /** What the policy decided. */
  public sealed interface Decision {
    /** The request may go ahead; {@code token} is its valid token, if it carried one. */
    record Granted(Optional<TokenId> token) implements Decision {}

    /** 401: no usable credentials; {@code error} is the RFC 6750 §3.1 code, empty when none was sent at all. */
    record Unauthenticated(Optional<String> error, String message) implements Decision {}

    /** 403: a valid token that may not do this. */
    record Forbidden(TokenId token, String message) implements Decision {}
  }

  private final BearerTokens writeTokens;
  private final BearerTokens readTokens;
  private final BearerTokens metricsTokens;

  public AccessPolicy(BearerTokens writeTokens, BearerTokens readTokens, BearerTokens metricsTokens) {
    this.writeTokens = writeTokens;
    this.readTokens = readTokens;
    this.metricsTokens = metricsTokens;
  }

  /** Which kind a request is, from its method and path. Unknown paths count as reads or writes: default deny. */
  public static Kind classify(String method, String path) {
    if (path.equals("/health") || path.startsWith("/health/")) {
      return Kind.OPEN;
    }
    if (path.equals("/metrics")) {
      return Kind.METRICS;
    }
    String verb = method.toUpperCase(Locale.ROOT);
    if ((verb.equals("GET") || verb.equals("HEAD")) && (path.equals("/") || path.startsWith("/console/"))) {
      return Kind.CONSOLE;
    }
    return switch (verb) {
      case "GET", "HEAD", "OPTIONS" -> Kind.READ;
      default -> Kind.WRITE;
    };
  }

  public boolean isOpen(Kind kind) {
    return switch (kind) {
      case OPEN, CONSOLE -> true;
      case METRICS -> metricsTokens.isEmpty();
      case READ -> readTokens.isEmpty();
      case WRITE -> writeTokens.isEmpty();
    };
  }

  /** Decides a request of {@code kind} that carried this {@code Authorization} header value (if any). */
  public Decision decide(Kind kind, Optional<String> authorization) {
    Presented presented = present(authorization);
    Optional<TokenId> token = presented.token();
    if (isOpen(kind)) {
      return new Decision.Granted(token);
    }
    if (token.isEmpty()) {
      return switch (presented) {
        case Presented.Nothing n ->
            new Decision.Unauthenticated(
                Optional.empty(), "authentication required: send the header 'Authorization: Bearer <token>'");
        case Presented.Malformed m ->
            new Decision.Unauthenticated(
                Optional.of("invalid_request"), "the Authorization header must be 'Bearer <token>'");
        case Presented.Token t -> new Decision.Unauthenticated(Optional.of("invalid_token"), "the bearer token is not valid");
      };
    }
    Kind holder = token.get().list();
    if (rank(holder) >= rank(kind)) {
      return new Decision.Granted(token);
    }
    return new Decision.Forbidden(
        token.get(),
        switch (holder) {
          case METRICS -> "this token may only read /metrics";
          case READ -> "this token may read but not write";
          default -> "this token may not do this";
        });
  }

  /** METRICS < READ < WRITE: each token may do what the ones below it may. */
  private static int rank(Kind kind) {
    return switch (kind) {
      case OPEN, CONSOLE -> 0;
      case METRICS -> 1;
      case READ -> 2;
      case WRITE -> 3;
    };
  }

  /** What the Authorization header held. */
  private sealed interface Presented {
    default Optional<TokenId> token() {
      return Optional.empty();
    }

    record Nothing() implements Presented {}

    record Malformed() implements Presented {}

    record Token(Optional<TokenId> token) implements Presented {}
  }

  private Presented present(Optional<String> authorization) {
    if (authorization.isEmpty()) {
      return new Presented.Nothing();
    }
    String value = authorization.get().strip();
    int space = value.indexOf(' ');
    if (space < 0 || !value.substring(0, space).equalsIgnoreCase("Bearer")) {
      return new Presented.Malformed();
    }
    String credentials = value.substring(space + 1).strip();
    if (!BearerTokens.isToken68(credentials)) {
      return new Presented.Malformed();
    }
    byte[] digest = BearerTokens.digest(credentials);
    // Every list is searched, whatever matched, so the time taken says nothing about which list holds the token.
    int write = writeTokens.indexOf(digest);
    int read = readTokens.indexOf(digest);
    int metrics = metricsTokens.indexOf(digest);
    if (write >= 0) {
      return new Presented.Token(Optional.of(new TokenId(Kind.WRITE, write)));
    }
    if (read >= 0) {
      return new Presented.Token(Optional.of(new TokenId(Kind.READ, read)));
    }
    return new Presented.Token(metrics >= 0 ? Optional.of(new TokenId(Kind.METRICS, metrics)) : Optional.empty());
  }
}

package dev.flowagg.node.http.security;

import dev.flowagg.node.http.JsonBodies;
import dev.flowagg.node.settings.SecuritySettings;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.ServerBuilder;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API's door: authenticates and rate-limits every request before any route sees it, and serves HTTPS when a
 * keystore is configured. Made once at start, so a bad keystore stops the node before it listens.
 */
public final class HttpAccess {

  private static final Logger log = LoggerFactory.getLogger(HttpAccess.class);
  private static final AllDirectives D = new AllDirectives() {};
  private static final String REALM = "Bearer realm=\"flowagg\"";

  private final AccessPolicy policy;
  private final Optional<RateLimiter> limiter;
  private final Optional<SSLContext> tls;
  private final String summary;

  public HttpAccess(AccessPolicy policy, Optional<RateLimiter> limiter, Optional<SSLContext> tls, String summary) {
    this.policy = policy;
    this.limiter = limiter;
    this.tls = tls;
    this.summary = summary;
  }

  /** Reads the keystore (failing with a clear message), builds the policy and limiter, and warns what is open. */
  public static HttpAccess from(SecuritySettings s) {
    Optional<SSLContext> tls = s.tls().map(t -> ServerTls.load(t.keystore(), t.password()));
    AccessPolicy policy = new AccessPolicy(s.writeTokens(), s.readTokens(), s.metricsTokens());
    List<String> open = new ArrayList<>();
    if (s.writeTokens().isEmpty()) {
      open.add("writes (FLOWAGG_WRITE_TOKENS is unset)");
    }
    if (s.readTokens().isEmpty()) {
      open.add("reads (FLOWAGG_READ_TOKENS is unset)");
    }
    if (!open.isEmpty()) {
      log.warn("the HTTP API is open to anyone who can reach it for {}", String.join(" and ", open));
    }
    String summary = String.format(
        "writes %s, reads %s, metrics %s; rate limit %s; %s",
        s.writeTokens().isEmpty() ? "open" : s.writeTokens(), s.readTokens().isEmpty() ? "open" : s.readTokens(),
        s.metricsTokens().isEmpty() ? "open" : s.metricsTokens(),
        s.rateLimit().map(r -> r.perSecond() + " requests/s per client, burst " + r.burst()).orElse("none"),
        tls.isPresent() ? "HTTPS" : "plain HTTP");
    return new HttpAccess(
        policy, s.rateLimit().map(r -> new RateLimiter(r.perSecond(), r.burst(), r.maxClients())), tls, summary);
  }

  public boolean https() {
    return tls.isPresent();
  }

  /** What is protected and how, for the start log: {@code writes 1 token, reads open, ...; plain HTTP}. */
  public String summary() {
    return summary;
  }

  /** The server builder, with HTTPS when a keystore is configured and each request's peer address at hand. */
  public ServerBuilder serve(ServerBuilder server) {
    ServerBuilder withPeer = server.adaptSettings(settings -> settings.withRemoteAddressAttribute(true));
    return tls.map(context -> withPeer.enableHttps(ConnectionContext.httpsServer(context))).orElse(withPeer);
  }

  /** {@code routes}, reached only by requests the policy grants and the rate limit lets through. */
  public Route guard(Route routes) {
    return D.extractRequest(
        request -> {
          HttpResponse refusal = refusal(request);
          return refusal == null ? routes : D.complete(refusal);
        });
  }

  /** The answer that stops this request, or null when it may go on to the routes. */
  HttpResponse refusal(HttpRequest request) {
    AccessPolicy.Kind kind = AccessPolicy.classify(request.method().value(), request.getUri().path());
    if (kind == AccessPolicy.Kind.OPEN) {
      return null;
    }
    AccessPolicy.Decision decision =
        policy.decide(kind, request.getHeader("Authorization").map(HttpHeader::value));
    // Probes and scrapers are never throttled, so a node under load can still be watched.
    if (kind != AccessPolicy.Kind.METRICS && limiter.isPresent()) {
      long wait = limiter.get().tryAcquire(clientOf(request, decision));
      if (wait > 0) {
        long seconds = RateLimiter.retryAfterSeconds(wait);
        return JsonBodies.error(
            StatusCodes.TOO_MANY_REQUESTS,
            "rate limit exceeded; retry after " + seconds + " s",
            RawHeader.create("Retry-After", Long.toString(seconds)));
      }
    }
    return switch (decision) {
      case AccessPolicy.Decision.Granted g -> null;
      case AccessPolicy.Decision.Unauthenticated u ->
          JsonBodies.error(
              StatusCodes.UNAUTHORIZED,
              u.message(),
              RawHeader.create(
                  "WWW-Authenticate", u.error().map(e -> REALM + ", error=\"" + e + "\"").orElse(REALM)));
      case AccessPolicy.Decision.Forbidden f ->
          JsonBodies.error(
              StatusCodes.FORBIDDEN,
              f.message(),
              RawHeader.create("WWW-Authenticate", REALM + ", error=\"insufficient_scope\""));
    };
  }

  /**
   * Whom a rate limit is kept for: the valid token a request carries, else the address of the connection it came
   * over (never X-Forwarded-For, which any client can write).
   */
  private static Object clientOf(HttpRequest request, AccessPolicy.Decision decision) {
    Optional<AccessPolicy.TokenId> token =
        switch (decision) {
          case AccessPolicy.Decision.Granted g -> g.token();
          case AccessPolicy.Decision.Forbidden f -> Optional.of(f.token());
          case AccessPolicy.Decision.Unauthenticated u -> Optional.empty();
        };
    if (token.isPresent()) {
      return token.get();
    }
    Optional<InetAddress> address = request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress);
    return address.isPresent() ? address.get() : "unknown address";
  }
}

package dev.flowagg.node.settings;

import dev.flowagg.node.http.security.BearerTokens;
import java.nio.file.Path;
import java.util.Optional;

/** Who may use the HTTP API (bearer tokens), how often (rate limit), and over what (plain HTTP or HTTPS). */
public record SecuritySettings(
    BearerTokens writeTokens,
    BearerTokens readTokens,
    BearerTokens metricsTokens,
    Optional<RateLimit> rateLimit,
    Optional<Tls> tls) {

  /** {@code perSecond} requests per second per client, {@code burst} at once; at most {@code maxClients} tracked. */
  public record RateLimit(double perSecond, int burst, int maxClients) {}

  /** A PKCS#12 keystore holding the server's key and certificate chain. */
  public record Tls(Path keystore, String password) {
    @Override
    public String toString() {
      return "Tls[keystore=" + keystore + ", password=(hidden)]";
    }
  }

  static SecuritySettings from(FlowaggConfig c) {
    String keystore = c.getString("tls-keystore").strip();
    return new SecuritySettings(
        BearerTokens.parse("FLOWAGG_WRITE_TOKENS", c.getString("write-tokens")),
        BearerTokens.parse("FLOWAGG_READ_TOKENS", c.getString("read-tokens")),
        BearerTokens.parse("FLOWAGG_METRICS_TOKEN", c.getString("metrics-token")),
        rateLimit(c.getString("rate-limit").strip(), c.getString("rate-burst").strip(), c.getInt("rate-limit-max-clients")),
        keystore.isEmpty() ? Optional.empty() : Optional.of(new Tls(Path.of(keystore), c.getString("tls-password"))));
  }

  static Optional<RateLimit> rateLimit(String rate, String burst, int maxClients) {
    if (rate.isEmpty()) {
      if (!burst.isEmpty()) {
        throw new IllegalArgumentException("FLOWAGG_RATE_BURST is set but FLOWAGG_RATE_LIMIT is not");
      }
      return Optional.empty();
    }
    double perSecond;
    try {
      perSecond = Double.parseDouble(rate);
    } catch (NumberFormatException e) {
      perSecond = Double.NaN;
    }
    if (!(perSecond > 0) || Double.isInfinite(perSecond)) {
      throw new IllegalArgumentException(
          "FLOWAGG_RATE_LIMIT must be a positive number of requests per second, not '" + rate + "'");
    }
    int burstSize;
    if (burst.isEmpty()) {
      burstSize = (int) Math.min(Integer.MAX_VALUE, Math.max(1, Math.ceil(perSecond)));
    } else {
      try {
        burstSize = Integer.parseInt(burst);
      } catch (NumberFormatException e) {
        burstSize = 0;
      }
      if (burstSize < 1) {
        throw new IllegalArgumentException("FLOWAGG_RATE_BURST must be a whole number of requests, at least 1, not '" + burst + "'");
      }
    }
    if (maxClients < 1) {
      throw new IllegalArgumentException("flowagg.security.rate-limit-max-clients must be at least 1");
    }
    return Optional.of(new RateLimit(perSecond, burstSize, maxClients));
  }
}

package dev.flowagg.node.http.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.flowagg.node.FlowaggNode;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.StartFailure;
import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.testing.InProcessNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A node serving HTTPS from a PKCS#12 keystore made by the JDK's keytool for this test. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsTest {

  private static final String PASSWORD = "keystore-secret";

  private Path keystore;
  private InProcessNode node;
  private int port;

  @BeforeAll
  void start() throws Exception {
    keystore = Files.createTempDirectory("flowagg-tls").resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "flowagg", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes());
    assertThat(keytool.waitFor()).as(output).isZero();
    node =
        InProcessNode.start(
            Map.of(
                "flowagg.security.tls-keystore", keystore.toString(),
                "flowagg.security.tls-password", PASSWORD,
                "flowagg.security.read-tokens", "reader"));
    port = node.node.httpPort();
  }

  @AfterAll
  void stop() {
    node.close();
  }

  /** A client that trusts exactly the certificate in the test keystore. */
  private HttpClient trustingClient() throws Exception {
    KeyStore server = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      server.load(in, PASSWORD.toCharArray());
    }
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("flowagg", server.getCertificate("flowagg"));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @Test
  void aClientThatTrustsTheCertificateCompletesTheHandshake() throws Exception {
    HttpClient client = trustingClient();
    HttpResponse<String> health =
        client.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health/ready")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.sslSession()).isPresent();
    HttpResponse<String> stats =
        client.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/ingest/stats"))
                .header("Authorization", "Bearer reader")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(stats.statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatDoesNotTrustItIsRefused() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
  }

  @Test
  void plainHttpGetsNoAnswer() {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(
            () ->
                client.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready"))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                    HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aMissingKeystoreOrAWrongPasswordStopsTheStartWithAClearMessage() {
    assertThatThrownBy(() -> FlowaggNode.start(tlsOverrides(keystore.resolveSibling("absent.p12"), PASSWORD)))
        .isInstanceOfSatisfying(StartFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCode.UNUSABLE_FILE))
        .hasMessage("FLOWAGG_TLS_KEYSTORE=" + keystore.resolveSibling("absent.p12") + ": cannot read it: no such file"
            + " or directory; fix the path or unset FLOWAGG_TLS_KEYSTORE for plain HTTP");
    assertThatThrownBy(() -> FlowaggNode.start(tlsOverrides(keystore, "not-the-password")))
        .isInstanceOfSatisfying(StartFailure.class, f -> assertThat(f.exitCode()).isEqualTo(ExitCode.UNUSABLE_FILE))
        .hasMessage("FLOWAGG_TLS_KEYSTORE=" + keystore + ": cannot read it as PKCS#12: wrong password"
            + " (FLOWAGG_TLS_PASSWORD)");
  }

  private static com.typesafe.config.Config tlsOverrides(Path file, String password) {
    return ConfigFactory.parseMap(
        Map.of(
            "flowagg.security.tls-keystore", file.toString(),
            "flowagg.security.tls-password", password,
            "flowagg.http.port", 0,
            "flowagg.cluster.port", 0));
  }
}

package dev.flowagg.node.http.security;

import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.IoReason;
import dev.flowagg.node.process.StartFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.UnrecoverableKeyException;
import java.util.Collections;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** The HTTPS server's key and certificate chain, from a PKCS#12 keystore (FLOWAGG_TLS_KEYSTORE, FLOWAGG_TLS_PASSWORD). */
public final class ServerTls {

  private ServerTls() {}

  /** An SSL context serving the keystore's key; fails with a {@link StartFailure} that says what to fix. */
  public static SSLContext load(Path keystore, String password) {
    char[] secret = password.toCharArray();
    KeyStore store;
    try (InputStream in = Files.newInputStream(keystore)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, secret);
    } catch (FileSystemException e) {
      throw unusable("FLOWAGG_TLS_KEYSTORE=" + keystore + ": cannot read it: " + IoReason.of(e)
          + "; fix the path or unset FLOWAGG_TLS_KEYSTORE for plain HTTP");
    } catch (IOException e) {
      // KeyStore.load reports a wrong password as an IOException caused by UnrecoverableKeyException.
      throw unusable(
          "FLOWAGG_TLS_KEYSTORE=" + keystore + ": cannot read it as PKCS#12: "
              + (e.getCause() instanceof UnrecoverableKeyException
                  ? "wrong password (FLOWAGG_TLS_PASSWORD)"
                  : e.getMessage()));
    } catch (GeneralSecurityException e) {
      throw unusable("FLOWAGG_TLS_KEYSTORE=" + keystore + ": cannot read it: " + e.getMessage());
    }
    try {
      boolean hasKey = false;
      for (String alias : Collections.list(store.aliases())) {
        hasKey |= store.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw unusable(
            "FLOWAGG_TLS_KEYSTORE=" + keystore + ": holds no private key (only certificates); the server needs its key");
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, secret);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (UnrecoverableKeyException e) {
      throw unusable(
          "FLOWAGG_TLS_KEYSTORE=" + keystore + ": its key has a password other than FLOWAGG_TLS_PASSWORD");
    } catch (GeneralSecurityException e) {
      throw unusable("FLOWAGG_TLS_KEYSTORE=" + keystore + ": cannot use it: " + e.getMessage());
    }
  }

  private static StartFailure unusable(String line) {
    return new StartFailure(ExitCode.UNUSABLE_FILE, line);
  }
}

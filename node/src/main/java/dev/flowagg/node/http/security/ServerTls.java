package dev.flowagg.node.http.security;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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

  /** An SSL context serving the keystore's key; fails with a message that says what to fix. */
  public static SSLContext load(Path keystore, String password) {
    char[] secret = password.toCharArray();
    KeyStore store;
    try (InputStream in = Files.newInputStream(keystore)) {
      store = KeyStore.getInstance("PKCS12");
      store.load(in, secret);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("FLOWAGG_TLS_KEYSTORE: no such file: " + keystore);
    } catch (IOException e) {
      // KeyStore.load reports a wrong password as an IOException caused by UnrecoverableKeyException.
      throw new IllegalArgumentException(
          "FLOWAGG_TLS_KEYSTORE: cannot read " + keystore + " as PKCS#12: "
              + (e.getCause() instanceof UnrecoverableKeyException
                  ? "wrong password (FLOWAGG_TLS_PASSWORD)"
                  : e.getMessage()));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("FLOWAGG_TLS_KEYSTORE: cannot read " + keystore + ": " + e.getMessage());
    }
    try {
      boolean hasKey = false;
      for (String alias : Collections.list(store.aliases())) {
        hasKey |= store.isKeyEntry(alias);
      }
      if (!hasKey) {
        throw new IllegalArgumentException(
            "FLOWAGG_TLS_KEYSTORE: " + keystore + " holds no private key (only certificates); the server needs its key");
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, secret);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (UnrecoverableKeyException e) {
      throw new IllegalArgumentException(
          "FLOWAGG_TLS_KEYSTORE: the key in " + keystore + " has a password other than FLOWAGG_TLS_PASSWORD");
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("FLOWAGG_TLS_KEYSTORE: cannot use " + keystore + ": " + e.getMessage());
    }
  }
}

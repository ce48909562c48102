package dev.flowagg.node.storage;

import dev.flowagg.node.settings.DatabaseSettings;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/**
 * Connections to the embedded H2 database that {@link H2Restart} knows of: every pool of the node (its own and the
 * journal plugin's, which sets the bean properties {@code URL}, {@code user}, {@code password}) and the health probe
 * get theirs here, so that a database H2 stopped after a failed write can be found and shut down, whichever
 * connection last reached it.
 */
public final class H2DataSource implements DataSource {

  private final JdbcDataSource h2 = new JdbcDataSource();

  public H2DataSource() {}

  H2DataSource(DatabaseSettings db) {
    setURL(db.url());
    setUser(db.user());
    setPassword(db.password());
  }

  public void setURL(String url) {
    h2.setURL(url);
  }

  public void setUser(String user) {
    h2.setUser(user);
  }

  public void setPassword(String password) {
    h2.setPassword(password);
  }

  @Override
  public Connection getConnection() throws SQLException {
    return H2Restart.track(h2.getConnection());
  }

  @Override
  public Connection getConnection(String user, String password) throws SQLException {
    return H2Restart.track(h2.getConnection(user, password));
  }

  @Override
  public PrintWriter getLogWriter() {
    return h2.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    h2.setLogWriter(out);
  }

  @Override
  public void setLoginTimeout(int seconds) {
    h2.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() {
    return h2.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no java.util.logging here");
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    if (type.isInstance(this)) {
      return type.cast(this);
    }
    throw new SQLException("not a wrapper of " + type.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return type.isInstance(this);
  }
}

package dev.flowagg.node.process;

/**
 * How a {@code flowagg} process ends. 0 only after a stop someone asked for, so that a supervisor restarting on
 * failure restarts everything else; each start failure has its own code.
 */
public enum ExitCode {
  STOPPED(0, "stopped on request (SIGTERM or SIGINT), or the command succeeded"),
  FAILED(1, "an unexpected error, or a stop that outlasted flowagg.shutdown.deadline"),
  USAGE(2, "the command line is wrong"),
  BAD_SETTING(3, "a setting has a value the node cannot use"),
  UNUSABLE_FILE(4, "a file or directory a setting names cannot be read, written or parsed"),
  HTTP_PORT(5, "the HTTP API cannot listen on its address and port"),
  NETFLOW_PORT(6, "the NetFlow listener cannot listen on its address and port"),
  CLUSTER_PORT(7, "the cluster transport cannot listen on its address and port"),
  DATABASE(8, "the database cannot be reached (within FLOWAGG_DB_START_TIMEOUT) or used"),
  DOWNED(9, "the cluster downed this node; start it again to rejoin");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  public int code() {
    return code;
  }

  public String meaning() {
    return meaning;
  }
}

package dev.flowagg.node;

import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.cli.SendCommand;
import dev.flowagg.node.cli.VpcReportCommand;
import dev.flowagg.node.shutdown.GracefulStop;
import dev.flowagg.node.logging.LogFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code flowagg-node.jar} command line: {@code serve} (the default) and the tools beside it. */
@Command(
    name = "flowagg-node",
    mixinStandardHelpOptions = true,
    description = "flowagg: exact per-application traffic totals from flow reports.",
    subcommands = {Main.Serve.class, SendCommand.class, VpcReportCommand.class})
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    int exit = new CommandLine(new Main()).execute(args);
    if (exit != 0) {
      System.exit(exit);
    }
  }

  /** With no subcommand the jar serves. */
  @Override
  public Integer call() {
    return new Serve().call();
  }

  /** Runs a node until the process is told to stop. */
  @Command(name = "serve", description = "Run a flowagg node (settings from FLOWAGG_* environment variables).")
  static final class Serve implements Callable<Integer> {
    @Override
    public Integer call() {
      FlowaggNode node;
      try {
        LogFormat.fromEnvironment();
        node = FlowaggNode.start(ConfigFactory.empty());
      } catch (IllegalArgumentException | IllegalStateException | com.typesafe.config.ConfigException e) {
        System.err.println("flowagg: cannot start: " + e.getMessage());
        return 1;
      }
      GracefulStop.onSignals(node.system(), node.settings().shutdown());
      node.system().getWhenTerminated().toCompletableFuture().join();
      return node.binding().isCompletedExceptionally() ? 1 : 0;
    }
  }
}

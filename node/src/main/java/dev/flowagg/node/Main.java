package dev.flowagg.node;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.flowagg.node.cli.SendCommand;
import dev.flowagg.node.cli.VpcReportCommand;
import dev.flowagg.node.logging.LogFormat;
import dev.flowagg.node.process.BuildInfo;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.process.StartFailure;
import dev.flowagg.node.settings.SettingsCatalog;
import dev.flowagg.node.shutdown.GracefulStop;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code flowagg} command line: {@code serve} (the default) and the tools beside it. */
@Command(
    name = "flowagg",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Exact per-application traffic totals from NetFlow v5/v9, IPFIX, AWS VPC flow logs and JSON flow records.",
      "With no command, runs a node (serve). 'flowagg help COMMAND' or 'flowagg COMMAND --help' tells more."
    },
    subcommands = {
      Main.Serve.class, SendCommand.class, VpcReportCommand.class, Main.VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with every command and its generated help in place. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    ServeHelp.addTo(cli.getSubcommands().get("serve"), SettingsCatalog.packaged());
    return cli;
  }

  /** With no command the jar serves. */
  @Override
  public Integer call() {
    return new Serve().call();
  }

  /** {@code --version} and {@code version}: the same line. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"flowagg " + BuildInfo.current().text()};
    }
  }

  /** Prints the version and the commit the jar was built from. */
  @Command(
      name = "version",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      header = "Print the version and the commit this build is from.",
      description = "Prints the same line as --version, the start log, /metrics (flowagg_build_info) and GET /cluster.")
  static final class VersionCommand implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(new Version().getVersion()[0]);
      return ExitCode.STOPPED.code();
    }
  }

  /** Runs a node until the process is told to stop. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      versionProvider = Main.Version.class,
      header = "Run a node until it is told to stop (the default command).",
      description = {
        "Runs a flowagg node: the HTTP API, the NetFlow/IPFIX listener and a cluster member, storing totals in an"
            + " embedded H2 database under FLOWAGG_DATA_DIR, or in PostgreSQL when FLOWAGG_DB_URL is set. SIGTERM or"
            + " SIGINT stop it gracefully (exit code 0). It logs one line when it serves, saying where it listens.",
        "",
        "Every setting below is an environment variable; one that is set wins over the default. The defaults are"
            + " those of the configuration file the jar carries, config/flowagg.conf in the sources. To keep"
            + " settings in a file instead, write one with only what you change (such as flowagg.http.port = 9000)"
            + " and start with JAVA_OPTS=-Dconfig.file=FILE."
      })
  static final class Serve implements Callable<Integer> {
    @Spec private CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter err = spec == null ? new PrintWriter(System.err, true) : spec.commandLine().getErr();
      FlowaggNode node;
      try {
        selectLogFormat();
        node = FlowaggNode.start(ConfigFactory.empty());
      } catch (StartFailure e) {
        return cannotStart(err, e);
      }
      GracefulStop.onSignals(node.system(), node.settings().shutdown());
      try {
        node.binding().join();
      } catch (CompletionException e) {
        StartFailure failure = StartFailure.of(e);
        node.stop();
        ExitCode afterStop = GracefulStop.exitCode(node.system());
        // A stop that came while the node was starting is that stop's, not a start failure.
        return failure.exitCode() == ExitCode.FAILED && afterStop != ExitCode.FAILED
            ? afterStop.code()
            : cannotStart(err, failure);
      }
      node.system().getWhenTerminated().toCompletableFuture().join();
      return GracefulStop.exitCode(node.system()).code();
    }

    /** The log format is the one setting needed before anything logs. */
    private static void selectLogFormat() {
      try {
        LogFormat.select(NodeConfig.resolve(ConfigFactory.empty()).getString("flowagg.log-format"));
      } catch (IllegalArgumentException | ConfigException e) {
        throw new StartFailure(ExitCode.BAD_SETTING, e.getMessage(), e);
      }
    }

    private static int cannotStart(PrintWriter err, StartFailure failure) {
      err.println("flowagg: cannot start: " + failure.getMessage());
      err.flush();
      return failure.exitCode().code();
    }
  }
}

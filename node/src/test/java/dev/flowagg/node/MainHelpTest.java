package dev.flowagg.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.flowagg.node.process.BuildInfo;
import dev.flowagg.node.process.ExitCode;
import dev.flowagg.node.settings.SettingsCatalog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** The command line's help and version, as a person reads them in an 80-column terminal. */
class MainHelpTest {

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "--help", "help", "serve --help", "help serve", "send --help", "help send", "vpc-report --help",
    "version --help"
  })
  void everyHelpFitsEightyColumnsAndSucceeds(String args) {
    Run r = run(args.split(" "));

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out().lines()).isNotEmpty().allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
  }

  @Test
  void theCommandListGivesEachCommandsWholeSummary() {
    List<String> commands = run("--help").out().lines().dropWhile(l -> !l.equals("Commands:")).skip(1).toList();

    assertThat(commands).hasSize(5).allSatisfy(line -> assertThat(line).matches("  [a-z-]+ +[A-Z].*\\.$"));
  }

  @Test
  void serveHelpListsEverySettingWithItsVariableAndDefault() {
    String help = run("serve", "--help").out();

    for (SettingsCatalog.Setting s : SettingsCatalog.packaged().settings()) {
      String name = s.variable().orElse(s.path());
      assertThat(help).contains(s.defaultValue().isEmpty()
          ? "  " + name + " (unset by default)\n"
          : s.variable().isPresent() ? "  " + name + " (default " + s.defaultValue() + ")\n"
          : "  " + name + " = " + s.defaultValue() + "\n");
    }
    for (ExitCode code : ExitCode.values()) {
      assertThat(help).containsPattern("\n  " + code.code() + " +" + Pattern.quote(code.meaning().substring(0, 20)));
    }
  }

  @Test
  void versionAndDashDashVersionSayTheSame() {
    String expected = "flowagg " + BuildInfo.current().text() + "\n";

    assertThat(run("--version").out()).isEqualTo(expected);
    assertThat(run("-V").out()).isEqualTo(expected);
    assertThat(run("version").out()).isEqualTo(expected);
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    Run r = run("serv");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("serv");
  }
}

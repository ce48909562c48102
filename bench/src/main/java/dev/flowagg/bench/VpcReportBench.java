package dev.flowagg.bench;

import dev.flowagg.protocol.vpclog.LookupTable;
import dev.flowagg.protocol.vpclog.TagReport;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The VPC flow-log report on a generated 10 MB log with a 10 000-row lookup table: writes both files (so the
 * command can be timed on them too), then times the report in-process, warm, over several runs.
 *
 * <p>Usage: {@code java -cp bench/target/flowagg-bench.jar dev.flowagg.bench.VpcReportBench [DIR] [MEGABYTES]}.
 */
public final class VpcReportBench {

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/vpc-bench");
    long megabytes = args.length > 1 ? Long.parseLong(args[1]) : 10;
    Files.createDirectories(dir);
    Path lookup = dir.resolve("lookup.csv");
    Path log = dir.resolve("flow.log");
    Random random = new Random(42);
    try (Writer w = Files.newBufferedWriter(lookup)) {
      w.write("dstport,protocol,tag\n");
      for (int row = 0; row < 10_000; row++) {
        w.write(row * 6 + (row % 2 == 0 ? ",tcp," : ",udp,") + "sv_P" + (row % 300) + "\n");
      }
    }
    long lines = 0;
    try (Writer w = Files.newBufferedWriter(log)) {
      long written = 0;
      while (written < megabytes * 1_000_000) {
        String line =
            "2 123456789012 eni-0a1b2c3d4e5f6a7b8 10.0." + random.nextInt(256) + "." + random.nextInt(256)
                + " 198.51.100." + random.nextInt(256) + " " + (1024 + random.nextInt(60000)) + " "
                + random.nextInt(65536) + " " + (random.nextBoolean() ? 6 : 17)
                + " 10 5000 1620140761 1620140821 ACCEPT OK\n";
        w.write(line);
        written += line.length();
        lines++;
      }
    }
    System.out.printf("wrote %s (%d MB, %d lines) and %s (10000 rows)%n", log, megabytes, lines, lookup);
    for (int run = 1; run <= 8; run++) {
      long t0 = System.nanoTime();
      LookupTable table = LookupTable.load(lookup);
      TagReport report;
      try (BufferedReader in = Files.newBufferedReader(log)) {
        report = TagReport.generate(in, table, p -> {}, false);
      }
      String text = report.text();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("run %d: %d ms (lookup load + report + output of %d chars)%n", run, ms, text.length());
    }
  }
}

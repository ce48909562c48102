#!/usr/bin/env bash
# Native vs Java kernel on the benchmark thread's CPU time (KernelCpuTime), every cell of the kernel benchmark:
# v5, v9 and IPFIX; 1 and 64 datagrams per call; 1 000 and 100 000 distinct keys. One JVM per cell, in which the two
# kernels take turns over ROUNDS one-second rounds each after three of warm-up. Prints a Markdown table of the
# median and best rounds and the native/Java ratio of each.
#
# Usage: bench/kernel-ratios.sh [ROUNDS]        (default 7; build first: mvn -B -q package -DskipTests)
# Environment: JAVA (default: $JAVA_HOME/bin/java, else java); FLOWAGG_NATIVE_CPU picks the native build
# (auto, x86-64, x86-64-v3, x86-64-v4).
set -euo pipefail
ROUNDS=${1:-7}
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
JAR=bench/target/flowagg-bench.jar
[[ -f $JAR ]] || { echo "no $JAR: run mvn -B -q package -DskipTests first" >&2; exit 2; }

echo "| Datagrams per call | Distinct keys | Format | Java, calls/CPU-s (median / best) | Native, calls/CPU-s (median / best) | Native / Java, median | Native / Java, best |"
echo "|---|---|---|---|---|---|---|"
for per_call in 1 64; do
  for keys in 1000 100000; do
    for format in NETFLOW_V5 NETFLOW_V9 IPFIX; do
      "$JAVA" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp "$JAR" \
        dev.flowagg.bench.kernel.KernelCpuTime both "$format" "$per_call" "$keys" "$ROUNDS" |
        awk -v per_call="$per_call" -v keys="$keys" '
          function field(name,   i) { for (i = 1; i < NF; i++) if ($i == name) return $(i + 1) }
          $1 == "java" { java = field("median") " / " field("best") }
          $1 == "native" { native = field("median") " / " field("best") }
          $1 == "ratio" {
            label = $2 == "NETFLOW_V5" ? "v5" : $2 == "NETFLOW_V9" ? "v9" : "IPFIX"
            printf "| %s | %s | %s | %s | %s | **%s** | **%s** |\n", per_call, keys, label, java, native,
              field("median"), field("best")
          }'
    done
  done
done

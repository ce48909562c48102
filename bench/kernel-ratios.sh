#!/usr/bin/env bash
# Native vs Java kernel on the benchmark thread's CPU time (KernelCpuTime), every cell of the kernel benchmark:
# v5, v9 and IPFIX; 1 and 64 datagrams per call; 1 000 and 100 000 distinct keys. One JVM per kernel and cell,
# median of ROUNDS one-second rounds after three of warm-up. Prints a Markdown table with the native/Java ratio.
#
# Usage: bench/kernel-ratios.sh [ROUNDS]        (default 7; build first: mvn -B -q package -DskipTests)
# Environment: JAVA (default: $JAVA_HOME/bin/java, else java); FLOWAGG_NATIVE_CPU picks the native build
# (auto, x86-64, x86-64-v3, x86-64-v4).
set -euo pipefail
ROUNDS=${1:-7}
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
JAR=bench/target/flowagg-bench.jar
[[ -f $JAR ]] || { echo "no $JAR: run mvn -B -q package -DskipTests first" >&2; exit 2; }

median() {
  "$JAVA" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED -cp "$JAR" \
    dev.flowagg.bench.kernel.KernelCpuTime "$@" "$ROUNDS" | awk '{ for (i = 1; i < NF; i++) if ($i == "median") print $(i + 1) }'
}

echo "| Datagrams per call | Distinct keys | Format | Java, calls/CPU-s | Native, calls/CPU-s | Native / Java |"
echo "|---|---|---|---|---|---|"
for per_call in 1 64; do
  for keys in 1000 100000; do
    for format in NETFLOW_V5 NETFLOW_V9 IPFIX; do
      java_rate=$(median java "$format" "$per_call" "$keys")
      native_rate=$(median native "$format" "$per_call" "$keys")
      ratio=$(awk -v n="$native_rate" -v j="$java_rate" 'BEGIN { printf "%.2f", n / j }')
      label=$(case $format in NETFLOW_V5) echo v5 ;; NETFLOW_V9) echo v9 ;; *) echo IPFIX ;; esac)
      printf '| %s | %s | %s | %s | %s | **%s** |\n' "$per_call" "$keys" "$label" "$java_rate" "$native_rate" "$ratio"
    done
  done
done

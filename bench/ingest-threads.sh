#!/usr/bin/env bash
# CPU per node thread while the node ingests a NetFlow stream from the node's own sender: starts a fresh node (own
# temporary data directory) with FLOWAGG_NATIVE_RECEIVE=MODE, sends RECORDS records at RATE records/s, samples every
# thread's utime+stime from /proc over 20 s starting 5 s into the send, then prints what the node counted, the
# socket's drops (the drops column of /proc/net/udp*), and the CPU seconds of the busiest threads (names cut to 15
# characters by the OS: "flowagg-netflow" is the receive thread, "flowagg-flowagg" the ingest thread running the kernel).
#
# Usage: bench/ingest-threads.sh auto|off VERSION RECORDS RATE      e.g. bench/ingest-threads.sh auto 9 30000000 1000000
# Environment: JAR (default node/target/flowagg-node.jar), JAVA (default $JAVA_HOME/bin/java), FLOWAGG_NATIVE (default on).
set -u
MODE=$1; VER=$2; RECORDS=$3; RATE=$4
JAVA=${JAVA:-${JAVA_HOME:+$JAVA_HOME/bin/}java}
JAR=$(realpath "${JAR:-node/target/flowagg-node.jar}")
OPTS="--sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
DIR=$(mktemp -d); cd "$DIR"
HTTP=18480; NF=12055; CL=12551
FLOWAGG_NATIVE=${FLOWAGG_NATIVE:-on} FLOWAGG_NATIVE_RECEIVE=$MODE FLOWAGG_HTTP_PORT=$HTTP FLOWAGG_NETFLOW_PORT=$NF \
  FLOWAGG_CLUSTER_PORT=$CL "$JAVA" $OPTS -jar "$JAR" > node.log 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null; wait $NODE 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 120); do curl -sf localhost:$HTTP/health/ready >/dev/null 2>&1 && break; sleep 0.5; done
grep -o "read with [a-z-]*" node.log
stats() { curl -s localhost:$HTTP/ingest/stats; }
threads() { # thread name|utime+stime ticks, summed per name
  for t in /proc/$NODE/task/*; do
    n=$(cat "$t/comm" 2>/dev/null); s=$(cat "$t/stat" 2>/dev/null) || continue
    rest=${s#*) }; set -- $rest; echo "$n|${12}|${13}"
  done | awk -F'|' '{a[$1]+=$2+$3} END {for (k in a) print k"|"a[k]}' | sort
}
udp_drops() { awk -v p="$(printf ':%04X' $NF)" '$2 ~ p"$" {d+=$NF} END {print d+0}' /proc/net/udp /proc/net/udp6; }
num() { echo "$1" | grep -o "\"$2\":[0-9]*" | head -1 | cut -d: -f2; }
D0=$(udp_drops)
"$JAVA" $OPTS -jar "$JAR" send --version "$VER" --rate "$RATE" --clients 200 --servers 20 --records "$RECORDS" \
  --target 127.0.0.1:$NF > /dev/null 2> sender.err &
SENDER=$!
sleep 5
C1=$(threads); S1=$(stats)
sleep 20
C2=$(threads); S2=$(stats)
wait $SENDER
sleep 3
S3=$(stats); D3=$(udp_drops)
echo "== receive=$MODE v$VER records=$RECORDS rate=$RATE"
tail -1 sender.err
echo "in the 20 s window: flows $(( $(num "$S2" flows) - $(num "$S1" flows) )), datagrams $(( $(num "$S2" datagrams_received) - $(num "$S1" datagrams_received) ))"
echo "total: flows=$(num "$S3" flows) datagrams=$(num "$S3" datagrams_received) busy=$(num "$S3" datagrams_dropped_busy) errors=$(num "$S3" receive_errors) os_socket_drops=$((D3 - D0))"
join -t'|' <(echo "$C1") <(echo "$C2") | awk -F'|' '{d=$3-$2; if (d>0) printf "  %-16s %.2f s\n", $1, d/100}' | sort -k2 -rn | head -8

#!/usr/bin/env bash
# Load harness: the flowagg NetFlow sender at rising rates into a flowagg node, nfcapd (nfdump) and nfacctd (pmacct),
# all on 127.0.0.1. For each collector and rate it compares what the collector counted with the sender's totals and
# reports each collector's highest loss-free rate (as achieved by the sender), and its ratio to flowagg's, as a table.
#
# Usage: bench/netflow-load.sh [options]
#   --jar PATH           the node jar (default: node/target/flowagg-node.jar)
#   --rates "R1 R2 ..."  records per second, rising (default: "100000 250000 500000 1000000 1500000")
#   --duration S         seconds per run (default: 10; the issue's benchmark uses 60)
#   --version 5|9|10     export format (default: 9)
#   --collectors "..."   any of flowagg nfcapd nfacctd (default: all three)
#   --tuples N           exactly N distinct (client, server) tuples, taken in turn (default: the sender's random
#                        clients and popular servers)
#   --db URL             flowagg on this PostgreSQL JDBC URL (FLOWAGG_DB_USER/PASSWORD from the environment);
#                        default: the embedded H2 database
#   --repeat N           the sender encodes 1/N of the records once and sends them N times over (send --repeat):
#                        beyond ~0.7 M records/s beside a busy collector on 2 cores, encoding is the sender's limit
#   --keep-going         run every rate even after a loss (default: a collector stops at its first loss)
#   --work DIR           keep data, logs and totals here (default: a temporary directory, removed at the end)
# flowagg's peak RSS and the most its totals lagged behind (freshness.lag_ms in GET /ingest/stats, sampled every
# second while sending) are reported with each of its runs.
# Environment: SENDER_ARGS adds sender options (e.g. "--clients 200 --servers 20" for fewer distinct tuples);
# FLOWAGG_* variables set by the caller reach the flowagg node (e.g. FLOWAGG_FLUSH_INTERVAL=10s).
# Needs: java 25 (JAVA_HOME or PATH), python3, curl; nfcapd/nfdump and nfacctd/pmacct for those collectors
# (Debian: apt-get install -y nfdump pmacct).
#
# What "counted" means:
#   flowagg  the sum of bytes_tx + bytes_rx of GET /flows?hour=N over the run's hours (each run has its own hours),
#            after GET /ingest/stats has seen the run's datagrams; rows must also equal the sender's row for row.
#   nfcapd   the flows and bytes `nfdump -I` reports for the run's files (nfcapd is stopped first, so it flushes).
#   nfacctd  the bytes of a memory plugin aggregating by exporter, src and dst host, from exporter 127.0.0.1 only:
#            after the run a filler stream from 127.0.0.2 pushes the last buffered records through to the plugin.
# lost = sent - counted, in bytes (and in flows for nfcapd). A run is loss-free when nothing is lost.
set -euo pipefail

JAR=node/target/flowagg-node.jar
RATES="100000 250000 500000 1000000 1500000"
DURATION=10
VERSION=9
COLLECTORS="flowagg nfcapd nfacctd"
KEEP_GOING=0
WORK=""
TUPLES=0
REPEAT=1
DB_URL=""
SEED=1
HOURS=2
SETTLE_SECONDS=${SETTLE_SECONDS:-60}
STORE_SECONDS=${STORE_SECONDS:-900}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) JAR=$2; shift 2 ;;
    --rates) RATES=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --version) VERSION=$2; shift 2 ;;
    --collectors) COLLECTORS=$2; shift 2 ;;
    --keep-going) KEEP_GOING=1; shift ;;
    --work) WORK=$2; shift 2 ;;
    --tuples) TUPLES=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --db) DB_URL=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done

# Recent hours (flowagg keeps 90 days of them): run i uses hours FIRST_HOUR + i*HOURS onwards, all in the past.
RUN_COUNT=$(wc -w <<< "$RATES")
FIRST_HOUR=$(( $(date +%s) / 3600 - RUN_COUNT * HOURS - 1 ))

# Every collector asks for a large socket receive buffer; the kernel caps it at net.core.rmem_max. Raise the cap
# (as root) so that no collector is limited by the default 4 MiB here. The kernel's own drop counter is reported.
if [[ $(cat /proc/sys/net/core/rmem_max 2>/dev/null || echo 0) -lt 67108864 ]]; then
  sysctl -q -w net.core.rmem_max=67108864 2>/dev/null && echo "raised net.core.rmem_max to 64 MiB" >&2 \
    || echo "net.core.rmem_max is $(cat /proc/sys/net/core/rmem_max): collectors may lose datagrams in the kernel" >&2
fi
udp_rcvbuf_errors() { awk '/^Udp:/ { if (++n == 2) print $6 }' /proc/net/snmp; }
RCVBUF_ERRORS_BEFORE=$(udp_rcvbuf_errors)

JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
[[ -f "$JAR" ]] || { echo "no jar at $JAR: build it with mvn -pl protocol,native-agg,node package" >&2; exit 2; }
JAR=$(realpath "$JAR")
"$JAVA" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])' || { echo "$JAVA is not Java 25 or later: set JAVA_HOME" >&2; exit 2; }
if [[ -z "$WORK" ]]; then
  WORK=$(mktemp -d "${TMPDIR:-/tmp}/netflow-load.XXXXXX")
  trap 'stop_all; rm -rf "$WORK"' EXIT
else
  mkdir -p "$WORK"
  trap 'stop_all' EXIT
fi
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
PIDS=()

log() { echo "[$(date +%H:%M:%S)] $*" >&2; }

stop_all() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [[ -n "$pid" ]] && stop_tree "$pid"
  done
  PIDS=()
}

# Stops a process we started and its children (nfacctd forks its plugins).
stop_tree() {
  local pid=$1 child
  for child in $(pgrep -P "$pid" 2>/dev/null || true); do
    kill -TERM "$child" 2>/dev/null || true
  done
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket,sys
kind = socket.SOCK_DGRAM if sys.argv[1] == "udp" else socket.SOCK_STREAM
s = socket.socket(socket.AF_INET, kind); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"
}

# The sender: `java -jar node.jar send` once Main lists it, else its own main class.
if "$JAVA" -jar "$JAR" send --help 2>/dev/null | grep -q -- '--target'; then
  SENDER=("$JAVA" -jar "$JAR" send)
else
  SENDER=("$JAVA" -cp "$JAR" dev.flowagg.node.cli.SendCommand)
fi

# send PORT RATE RECORDS FIRST_HOUR TOTALS_FILE -> prints "datagrams achieved_rate" (parsed from the summary, the
# sender's last line on stderr after its progress lines)
send() {
  local port=$1 rate=$2 records=$3 hour=$4 totals=$5 summary
  local tuples=()
  (( TUPLES > 0 )) && tuples=(--tuples "$TUPLES")
  (( REPEAT > 1 )) && tuples+=(--repeat "$REPEAT")
  summary=$("${SENDER[@]}" --target "127.0.0.1:$port" --version "$VERSION" --rate "$rate" --records "$records" \
    --seed "$SEED" --hours "$HOURS" --first-hour "$hour" --totals "$totals" "${tuples[@]}" ${SENDER_ARGS:-} 2>&1 >/dev/null \
    | grep ' datagrams ' | tail -1)
  echo "$summary" >> "$WORK/sender.log"
  python3 -c 'import re,sys
s = sys.argv[1]
d = re.search(r" in (\d+) datagrams ", s); r = re.search(r": (\d+) records/s", s)
if not d or not r: sys.exit("sender failed: " + s)
print(d.group(1), r.group(1))' "$summary"
}

# Records of a run at this rate: rate x duration, rounded down to whole passes of the sender.
records_for() { echo $(( $1 * DURATION / REPEAT * REPEAT )); }

# Sum of bytes_tx + bytes_rx in a sender totals file.
totals_bytes() {
  python3 -c 'import json,sys; print(sum(r["bytes_tx"] + r["bytes_rx"] for r in json.load(open(sys.argv[1]))))' "$1"
}

# Waits until the command prints the same number three times in a row, one second apart, or until it prints the
# target; prints the last value.
wait_stable() {
  local target=$1; shift
  local last="" same=0 value deadline=$((SECONDS + SETTLE_SECONDS))
  while (( SECONDS < deadline )); do
    value=$("$@" 2>/dev/null || echo "")
    if [[ -n "$value" && "$value" == "$target" ]]; then break; fi
    if [[ -n "$value" && "$value" == "$last" ]]; then
      same=$((same + 1)); (( same >= 3 )) && break
    else
      same=0
    fi
    last=$value
    sleep 1
  done
  echo "${value:-0}"
}

record() { # collector rate achieved sent_bytes counted_bytes note
  local lost=$(( $4 - $5 )) kernel_drops
  kernel_drops=$(( $(udp_rcvbuf_errors) - RCVBUF_ERRORS_BEFORE ))
  RCVBUF_ERRORS_BEFORE=$(udp_rcvbuf_errors)
  (( kernel_drops == 0 )) || set -- "$1" "$2" "$3" "$4" "$5" "${6:+$6; }$kernel_drops datagrams dropped by the kernel"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$lost" "$6" >> "$RESULTS"
  log "$1 @ $2/s (achieved $3/s): sent $4 bytes, counted $5, lost $lost ${6:+($6)}"
  [[ "$lost" == 0 ]]
}

# ---- flowagg -------------------------------------------------------------------------------------------------
FLOWAGG_HTTP=""
start_flowagg() {
  local http udp cluster dir="$WORK/flowagg"
  http=$(free_port tcp); udp=$(free_port udp); cluster=$(free_port tcp)
  mkdir -p "$dir/data"
  env -u FLOWAGG_DB_URL ${DB_URL:+FLOWAGG_DB_URL=$DB_URL} FLOWAGG_HTTP_HOST=127.0.0.1 FLOWAGG_HTTP_PORT="$http" \
    FLOWAGG_CLUSTER_HOST=127.0.0.1 FLOWAGG_CLUSTER_PORT="$cluster" FLOWAGG_DATA_DIR="$dir/data" \
    FLOWAGG_NETFLOW_PORT="$udp" \
    "$JAVA" --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED ${FLOWAGG_JAVA_OPTS:--Xmx2g} \
    -jar "$JAR" > "$dir/node.log" 2>&1 &
  PIDS+=($!)
  FLOWAGG_PID=$!
  FLOWAGG_HTTP="http://127.0.0.1:$http"
  FLOWAGG_UDP=$udp
  for _ in $(seq 120); do
    curl -fs "$FLOWAGG_HTTP/health/ready" > /dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "the flowagg node did not become ready; see $dir/node.log" >&2
  return 1
}

flowagg_datagrams() {
  curl -fs "$FLOWAGG_HTTP/ingest/stats" | python3 -c 'import json,sys
def total(n):
    if isinstance(n, dict):
        return sum(v if k == "datagrams" and isinstance(v, int) else total(v) for k, v in n.items())
    if isinstance(n, list):
        return sum(total(v) for v in n)
    return 0
print(total(json.load(sys.stdin)))'
}

# Compares GET /flows over the totals' hours with the totals; prints "counted_bytes mismatched_rows".
flowagg_compare() {
  python3 - "$FLOWAGG_HTTP" "$1" <<'EOF'
import json, sys, urllib.request
base, totals_file = sys.argv[1], sys.argv[2]
want = {}
for r in json.load(open(totals_file)):
    want[(r["src_app"], r["dest_app"], r["vpc_id"], r["hour"])] = (r["bytes_tx"], r["bytes_rx"])
got = {}
for hour in sorted({k[3] for k in want}):
    with urllib.request.urlopen(f"{base}/flows?hour={hour}") as resp:
        for r in json.load(resp):
            got[(r["src_app"], r["dest_app"], r["vpc_id"], r["hour"])] = (r["bytes_tx"], r["bytes_rx"])
counted = sum(tx + rx for tx, rx in got.values())
mismatched = sum(1 for k in want.keys() | got.keys() if want.get(k) != got.get(k))
print(counted, mismatched)
EOF
}

flowagg_counted() { # totals_file
  flowagg_compare "$1" | cut -d' ' -f1
}

flowagg_waiting() {
  curl -fs "$FLOWAGG_HTTP/ingest/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["freshness"]["waiting_entries"])'
}

# Waits (up to STORE_SECONDS) until the node has stored everything it received: no entries waiting or in flight.
await_stored() {
  local deadline=$((SECONDS + STORE_SECONDS))
  while (( SECONDS < deadline )); do
    [[ "$(flowagg_waiting 2>/dev/null || echo x)" == 0 ]] && return 0
    sleep 1
  done
  log "flowagg still had entries waiting after $STORE_SECONDS s; counting what is stored"
}

# The node's own drop counters (GET /ingest/stats listener.datagrams_dropped_*), as "reason=n ..." or nothing.
flowagg_drops() {
  curl -fs "$FLOWAGG_HTTP/ingest/stats" | python3 -c 'import json,sys
l = json.load(sys.stdin)["listener"]
p = "datagrams_dropped_"
print(" ".join(k[len(p):] + "=" + str(v) for k, v in l.items() if k.startswith(p) and v))'
}

flowagg_lag_ms() {
  curl -fs "$FLOWAGG_HTTP/ingest/stats" | python3 -c 'import json,sys; print(json.load(sys.stdin)["freshness"]["lag_ms"])'
}

run_flowagg() { # index rate
  local i=$1 rate=$2 hour=$((FIRST_HOUR + $1 * HOURS)) totals="$WORK/flowagg-$2.json" before datagrams achieved sendout
  local sent counted mismatched sampler lag rss started stored tuples drops_before drops
  before=$(flowagg_datagrams)
  drops_before=$(flowagg_drops)
  # Sample how far behind the stored totals are, every second, while the sender runs.
  ( while sleep 1; do flowagg_lag_ms 2>/dev/null || true; done ) > "$WORK/lag-$rate.txt" &
  sampler=$!
  started=$SECONDS
  sendout=$(send "$FLOWAGG_UDP" "$rate" $(records_for "$rate") "$hour" "$totals") || { kill "$sampler"; log "the sender failed; see $WORK/sender.log"; exit 1; }
  read -r datagrams achieved <<< "$sendout"
  wait_stable $((before + datagrams)) flowagg_datagrams > /dev/null
  await_stored
  sent=$(totals_bytes "$totals")
  counted=$(wait_stable "$sent" flowagg_counted "$totals")
  stored=$((SECONDS - started))
  kill "$sampler" 2>/dev/null || true
  lag=$(sort -n "$WORK/lag-$rate.txt" | tail -1)
  rss=$(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$FLOWAGG_PID/status" 2>/dev/null || echo "?")
  tuples=$(python3 -c 'import json,sys; t=json.load(open(sys.argv[1])); print(max(sum(1 for r in t if r["hour"] == h) for h in {r["hour"] for r in t}))' "$totals")
  mismatched=$(flowagg_compare "$totals" | cut -d' ' -f2)
  drops=$(flowagg_drops)
  [[ "$drops" == "$drops_before" ]] && drops="" || drops="; datagrams the node dropped (since its start): $drops"
  record flowagg "$rate" "$achieved" "$sent" "$counted" \
    "$tuples tuples/hour; peak RSS ${rss} MB; lag at most ${lag:-0} ms; all stored ${stored} s after the start$([[ $mismatched == 0 ]] || echo "; $mismatched rows differ")$drops" \
    && [[ "$mismatched" == 0 ]]
}

# ---- nfcapd --------------------------------------------------------------------------------------------------
run_nfcapd() { # index rate
  local rate=$2 dir="$WORK/nfcapd-$2" port pid datagrams achieved sent flows counted sendout
  port=$(free_port udp)
  mkdir -p "$dir/files"
  nfcapd -w "$dir/files" -b 127.0.0.1 -p "$port" -B 8388608 -t 3600 -I bench > "$dir/nfcapd.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  sleep 1
  sendout=$(send "$port" "$rate" $(records_for "$rate") "$((FIRST_HOUR + $1 * HOURS))" "$dir/totals.json") || { log "the sender failed; see $WORK/sender.log"; exit 1; }
  read -r datagrams achieved <<< "$sendout"
  sleep 2
  stop_tree "$pid"
  sent=$(totals_bytes "$dir/totals.json")
  read -r flows counted < <(nfdump -R "$dir/files" -I | awk -F': ' '$1=="Flows"{f=$2} $1=="Bytes"{b=$2} END{print f+0, b+0}')
  record nfcapd "$rate" "$achieved" "$sent" "$counted" "flows $flows of $(records_for "$rate")"
}

# ---- nfacctd -------------------------------------------------------------------------------------------------
nfacctd_bytes() { # pipe
  pmacct -p "$1" -s -O csv | awk -F, 'NR > 1 && $1 == "127.0.0.1" { b += $NF } END { print b + 0 }'
}

run_nfacctd() { # index rate
  local rate=$2 dir="$WORK/nfacctd-$2" port pid datagrams achieved sent counted sendout
  port=$(free_port udp)
  mkdir -p "$dir"
  cat > "$dir/nfacctd.conf" <<EOF
daemonize: false
nfacctd_ip: 127.0.0.1
nfacctd_port: $port
nfacctd_pipe_size: 33554432
logfile: $dir/nfacctd.log
plugins: memory[mem]
aggregate[mem]: peer_src_ip, src_host, dst_host
imt_path[mem]: $dir/mem.pipe
imt_mem_pools_number[mem]: 0
imt_mem_pools_size[mem]: 1048576
imt_buckets[mem]: 262139
plugin_pipe_size[mem]: 102400000
plugin_buffer_size[mem]: 102400
EOF
  nfacctd -f "$dir/nfacctd.conf" > "$dir/stdout.log" 2>&1 &
  pid=$!; PIDS+=("$pid")
  for _ in $(seq 50); do [[ -S "$dir/mem.pipe" ]] && break; sleep 0.1; done
  sendout=$(send "$port" "$rate" $(records_for "$rate") "$((FIRST_HOUR + $1 * HOURS))" "$dir/totals.json") || { log "the sender failed; see $WORK/sender.log"; exit 1; }
  read -r datagrams achieved <<< "$sendout"
  # The core process hands records to the plugin in 100 KB buffers: push the last one through from another exporter.
  "${SENDER[@]}" --target "127.0.0.1:$port" --version "$VERSION" --rate 0 --records 20000 --seed 999 \
    --bind 127.0.0.2 --first-hour "$FIRST_HOUR" 2>> "$WORK/sender.log"
  sent=$(totals_bytes "$dir/totals.json")
  counted=$(wait_stable "$sent" nfacctd_bytes "$dir/mem.pipe")
  stop_tree "$pid"
  record nfacctd "$rate" "$achieved" "$sent" "$counted" ""
}

# ---- the runs ------------------------------------------------------------------------------------------------
log "work directory: $WORK; sender: ${SENDER[*]}; NetFlow version $VERSION; $DURATION s per rate; tuples: $( (( TUPLES > 0 )) && echo "$TUPLES" || echo "random pairs"); flowagg on ${DB_URL:-H2}"
for collector in $COLLECTORS; do
  case "$collector" in
    flowagg) start_flowagg ;;
    nfcapd) command -v nfcapd > /dev/null || { log "nfcapd not installed, skipped"; continue; } ;;
    nfacctd) command -v nfacctd > /dev/null || { log "nfacctd not installed, skipped"; continue; } ;;
    *) echo "unknown collector: $collector" >&2; exit 2 ;;
  esac
  i=0
  for rate in $RATES; do
    if ! "run_$collector" "$i" "$rate" && (( ! KEEP_GOING )); then
      break
    fi
    i=$((i + 1))
  done
  [[ "$collector" == flowagg ]] && stop_all
done

python3 - "$RESULTS" <<'EOF'
import sys
rows = [line.rstrip("\n").split("\t") for line in open(sys.argv[1]) if line.strip()]
print(f"{'collector':10} {'rate/s':>10} {'achieved/s':>10} {'sent bytes':>15} {'counted':>15} {'lost':>12} {'lost %':>8}  note")
for c, rate, achieved, sent, counted, lost, note in rows:
    sent, lost = int(sent), int(lost)
    print(f"{c:10} {int(rate):>10} {int(achieved):>10} {sent:>15} {int(counted):>15} {lost:>12} "
          f"{100 * lost / sent if sent else 0:>7.3f}%  {note}")
# The highest rate the sender achieved in a run of the collector that lost nothing, up to its first loss: what
# the collector is known to take, which is less than the rate asked when the sender could not keep up.
best = {}
for c in dict.fromkeys(r[0] for r in rows):
    best[c] = 0
    for r in sorted((r for r in rows if r[0] == c), key=lambda r: int(r[1])):
        if int(r[5]) != 0:
            break
        best[c] = max(best[c], int(r[2]))
print()
ref = best.get("flowagg")
print(f"{'collector':10} {'highest loss-free achieved rate/s':>34} {'vs flowagg':>11}")
for c, b in best.items():
    ratio = f"{b / ref:.2f}" if ref else "-"
    print(f"{c:10} {b:>34} {ratio:>11}")
EOF

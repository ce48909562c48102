#!/usr/bin/env bash
# Regenerates the golden NetFlow v5 / v9 / IPFIX captures in this directory.
#
# Needs (Debian): softflowd nfdump python3   (tshark optional, for checking)
#   apt-get install -y softflowd nfdump
#
# For every input capture (mixed.pcap, many.pcap) and every export variant:
#   softflowd -r <pcap> -a ...  --UDP-->  golden.py receive  (writes .datagrams)
#                                              |  forwards the same bytes
#                                              v
#                                           nfcapd  --> nfdump -o json
#                                              --> .expected.csv, .totals.csv
# All traffic stays on 127.0.0.1.  See README.md.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
PY=${PYTHON:-python3}
GOLDEN="$HERE/golden.py"

for tool in softflowd softflowctl nfcapd nfdump "$PY"; do
    command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done

# softflowd exports its process id (IPFIX meteringProcessId) and the capture
# file name (interfaceName, 16 bytes): run it as pid 1 of its own pid
# namespace, from this directory, so that the datagrams are reproducible.
PIDNS=""
if unshare --pid --fork true 2>/dev/null; then
    PIDNS="unshare --pid --fork"
else
    echo "warning: cannot unshare a pid namespace; the IPFIX option record" \
        "will carry a varying meteringProcessId" >&2
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]:-}"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    if [ -n "${KEEP_WORK:-}" ]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# variant name -> softflowd export flags
VARIANTS=(
    "v5|-v 5"
    "v5-sampled|-v 5 -s 4"
    "v9|-v 9"
    "v9-sampled|-v 9 -s 4"
    "ipfix|-v 10"
    "ipfix-sampled|-v 10 -s 4"
    "ipfix-biflow|-v 10 -b"
    "ipfix-millis|-v 10 -A milli"
)
# capture name -> extra softflowd flags
declare -A CAPTURE_FLAGS=(
    [mixed]=""
    [many]="-m 32"
)
CAPTURES=(mixed many)

free_port() {
    "$PY" -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_for() { # wait_for <seconds> <test...>
    local n=$(( $1 * 20 )); shift
    while ! "$@"; do
        n=$(( n - 1 ))
        [ "$n" -gt 0 ] || { echo "timeout waiting for: $*" >&2; return 1; }
        sleep 0.05
    done
}

run_one() { # run_one <capture> <variant> <softflowd flags...>
    local capture=$1 variant=$2; shift 2
    local name="$capture-$variant"
    local d="$WORK/$name"
    mkdir -p "$d/nf"
    local rx_port nf_port
    rx_port=$(free_port)
    nf_port=$(free_port)
    while [ "$nf_port" = "$rx_port" ]; do nf_port=$(free_port); done

    # (b) reference collector
    nfcapd -w "$d/nf" -b 127.0.0.1 -p "$nf_port" -t 3600 -B 8388608 \
        -I golden >"$d/nfcapd.log" 2>&1 &
    local nfcapd_pid=$!
    PIDS+=("$nfcapd_pid")
    wait_for 10 grep -qs "Startup" "$d/nfcapd.log"

    # (a) recorder, forwarding every datagram to the collector
    "$PY" "$GOLDEN" receive "$rx_port" "$nf_port" "$d/out.datagrams" \
        "$d/ready" 2>"$d/receiver.log" &
    local rx_pid=$!
    PIDS+=("$rx_pid")
    wait_for 10 test -e "$d/ready"

    # the exporter; in -r mode it serves its control socket between two
    # reads of the capture, so keep asking it for statistics until it has
    # read the whole file, flushed every flow and exited
    (cd "$HERE" && exec $PIDNS softflowd -d -r "$capture.pcap" -a \
        -n "127.0.0.1:$rx_port" -c "$d/ctl" -p "$d/softflowd.pid" "$@") \
        >"$d/softflowd.log" 2>&1 &
    local sfd_pid=$!
    PIDS+=("$sfd_pid")
    local pokes=0
    while kill -0 "$sfd_pid" 2>/dev/null; do
        if [ -S "$d/ctl" ]; then
            softflowctl -c "$d/ctl" statistics >/dev/null 2>&1 || true
            pokes=$(( pokes + 1 ))
        fi
        sleep 0.02
        [ "$pokes" -lt 20000 ] || { echo "softflowd does not finish" >&2; exit 1; }
    done
    wait "$sfd_pid" || { cat "$d/softflowd.log" >&2; exit 1; }

    sleep 0.5
    kill -TERM "$rx_pid"; wait "$rx_pid" || true
    sleep 1
    kill -TERM "$nfcapd_pid"; wait "$nfcapd_pid" || true

    local bi="" swap=""
    case "$variant" in *biflow*) bi="--bi" ;; esac
    # IPFIX with relative (sysUpTime) times: see README, "nfdump 1.7.1"
    case "$variant" in ipfix|ipfix-sampled|ipfix-biflow) swap="--swap-times" ;; esac
    TZ=UTC nfdump -R "$d/nf" -o json >"$d/nfdump.json"
    cp "$d/out.datagrams" "$HERE/$name.datagrams"
    "$PY" "$GOLDEN" expected "$d/nfdump.json" "$HERE/$name.expected.csv" $bi $swap
    "$PY" "$GOLDEN" totals "$HERE/$name.expected.csv" "$HERE/$name.totals.csv" $bi

    # second, independent decoder
    if command -v tshark >/dev/null; then
        "$PY" "$GOLDEN" crosscheck "$HERE/$name.datagrams" \
            "$HERE/$name.expected.csv" $bi >&2
    fi

    local ndgram nrec sfd_line announced=1 applied=1 timefix=none
    ndgram=$(sed -n 's/^receiver: \([0-9]*\) datagrams$/\1/p' "$d/receiver.log")
    nrec=$(( $(wc -l <"$HERE/$name.expected.csv") - 1 ))
    sfd_line=$(grep '^Flows exported:' "$d/softflowd.log" || true)
    local sent
    sent=$(echo "$sfd_line" | sed -n 's/.*(\([0-9]*\) records).*/\1/p')
    if [ "$sent" != "$nrec" ]; then
        echo "$name: softflowd sent $sent records, nfdump has $nrec" >&2
        exit 1
    fi
    case "$*" in *"-s 4"*) announced=4 ;; esac
    case "$variant" in v5-sampled) applied=4 ;; esac
    [ -z "$swap" ] || timefix=first-last-swapped
    echo "$name,$capture,$variant,$*,$ndgram,$nrec,$announced,$applied,$timefix,$sfd_line" \
        >>"$WORK/index.rows"
    echo "$name: $ndgram datagrams, $nrec records; softflowd: $sfd_line" >&2
}

"$PY" "$GOLDEN" pcaps "$HERE"

for capture in "${CAPTURES[@]}"; do
    for v in "${VARIANTS[@]}"; do
        variant=${v%%|*}
        flags=${v#*|}
        # shellcheck disable=SC2086
        run_one "$capture" "$variant" $flags ${CAPTURE_FLAGS[$capture]}
    done
done

{
    echo "name,capture,variant,softflowd_flags,datagrams,records,sampling_announced,sampling_applied_by_nfdump,nfdump_time_fix,softflowd_summary"
    cat "$WORK/index.rows"
} >"$HERE/index.csv"

{
    echo "softflowd $(dpkg-query -W -f '${Version}' softflowd 2>/dev/null || echo '?')"
    echo "nfdump $(dpkg-query -W -f '${Version}' nfdump 2>/dev/null || echo '?')"
} >"$HERE/tool-versions.txt"

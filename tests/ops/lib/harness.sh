# Shared by the ops end-to-end scripts (sourced, not run): a work directory whose children are
# stopped and whose logs are shown on failure, timed steps, polling, and starting drs-sim and
# Prometheus on local ports.
#   ops_init NAME LOG...   creates $work (/tmp/drs-ops-NAME.*), $pids and the EXIT trap that stops
#                          every pid in $pids (newest first), prints the last lines of the named
#                          logs of $work when the script fails, and removes $work.

ops_init() {
    work=$(mktemp -d "/tmp/drs-ops-$1.XXXXXX")
    shift
    ops_logs=("$@")
    pids=()
    start=$(date +%s)
    trap ops_cleanup EXIT
}

ops_cleanup() {
    local rc=$? i log
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill -TERM "${pids[i]}" 2>/dev/null || true
        wait "${pids[i]}" 2>/dev/null || true
    done
    if [ $rc -ne 0 ]; then
        for log in "${ops_logs[@]}"; do
            [ -f "$work/$log" ] && { echo "---- $log (last 30 lines)"; tail -n 30 "$work/$log"; }
        done
    fi
    rm -rf "$work"
}

step() { echo "[$(($(date +%s) - start))s] $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every 0.2 s until it succeeds; fails the script
# naming WHAT after SECONDS.
wait_for() {
    local deadline=$1 what=$2; shift 2
    local end=$(($(date +%s) + deadline))
    until "$@"; do
        [ "$(date +%s)" -lt "$end" ] || fail "timed out after ${deadline}s waiting for $what"
        sleep 0.2
    done
}

# logged_port FILE PATTERN: the trailing number of the first match of PATTERN (grep -o) in FILE,
# e.g. the port a server logged after binding port 0; empty when there is none yet.
logged_port() { grep -m1 -o "$2" "$1" 2>/dev/null | grep -o '[0-9]*$' || true; }

# start_sim SIM_BIN SCENARIO AK SK: drs-sim on 127.0.0.1:0 at speed 1 (log: $work/sim.log);
# sets $sim_url.
start_sim() {
    "$1" --listen 127.0.0.1:0 --scenario "$2" --speed 1 --ak "$3" --sk "$4" \
        --port-file "$work/sim.port" >"$work/sim.log" 2>&1 &
    pids+=($!)
    wait_for 20 "drs-sim's port file" test -s "$work/sim.port"
    sim_url=https://127.0.0.1:$(cat "$work/sim.port")
}

# start_prometheus PROMETHEUS_BIN CONFIG MARKER: Prometheus with CONFIG on a random local port
# (storage $work/tsdb, log $work/prometheus.log), tried again on another port when the port is
# taken. It is ours once its loaded configuration contains MARKER. Sets $prom.
start_prometheus() {
    local attempt port ppid_ end
    prom=""
    for attempt in 1 2 3 4 5; do
        port=$((20000 + RANDOM % 40000))
        "$1" --config.file "$2" --storage.tsdb.path "$work/tsdb" \
            --web.listen-address "127.0.0.1:$port" >"$work/prometheus.log" 2>&1 &
        ppid_=$!
        end=$(($(date +%s) + 30))
        while kill -0 "$ppid_" 2>/dev/null && [ "$(date +%s)" -lt "$end" ]; do
            if curl -fs "http://127.0.0.1:$port/api/v1/status/config" 2>/dev/null | grep -qF -- "$3"; then
                prom=http://127.0.0.1:$port
                break
            fi
            sleep 0.2
        done
        if [ -n "$prom" ]; then pids+=("$ppid_"); return 0; fi
        kill -TERM "$ppid_" 2>/dev/null || true; wait "$ppid_" 2>/dev/null || true
        grep -q "address already in use" "$work/prometheus.log" || fail "prometheus did not start (attempt $attempt)"
    done
    fail "no free port for prometheus after 5 attempts"
}

# query EXPR: the JSON result array of an instant query against $prom (fails on a query error).
query() {
    local out
    out=$(curl -fsS --get "$prom/api/v1/query" --data-urlencode "query=$1") || return 1
    [ "$(jq -r .status <<<"$out")" = success ] || { echo "query error: $1: $out" >&2; return 1; }
    jq -c .data.result <<<"$out"
}

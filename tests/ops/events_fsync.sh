#!/usr/bin/env bash
# events.fsync seen from outside: drs-monitor runs under strace against drs-sim
# (tests/ops/data/scenario.yaml: events at start and a few seconds in) once per setting, and the
# fdatasync calls on events.jsonl and state.journal must match the setting:
#   never   none;
#   round   every write to either file is followed by an fdatasync of that file within 2 s (the end
#           of the round), and there are no more fdatasyncs of events.jsonl than writes to it;
#   always  every write to either file is followed by an fdatasync of that file before any other
#           write to the same file.
#   usage: events_fsync.sh <drs-monitor binary> <drs-sim binary> <source dir>
# Exit 77 (skipped) when strace is missing or cannot trace here.
set -euo pipefail

mon_bin=$1
sim_bin=$2
src=$3
command -v strace >/dev/null || { echo "SKIP: strace is not installed (scripts/deps installs it)"; exit 77; }
strace -f -o /dev/null true 2>/dev/null || { echo "SKIP: strace cannot trace in this environment"; exit 77; }

# shellcheck source=lib/harness.sh
. "$(dirname "$0")/lib/harness.sh"
ops_init fsync sim.log monitor-never.log monitor-round.log monitor-always.log

scenario=$src/tests/ops/data/scenario.yaml
project_id=$(sed -n 's/^project_id: *//p' "$scenario")
mapfile -t job_ids < <(sed -n 's/^  - id: *//p' "$scenario")
ak=OPSTESTACCESSKEY0003
sk=ops-fsync-secret-$RANDOM$RANDOM
start_sim "$sim_bin" "$scenario" "$ak" "$sk"

for mode in never round always; do
    mkdir -p "$work/state-$mode"
    {
        cat <<YAML
global:
  poll_interval: 1s
  precheck_interval: 1s
  init_interval: 1s
  state_dir: $work/state-$mode
  events: {fsync: $mode}
projects:
  - name: ops
    region: ap-southeast-1
    project_id: $project_id
    endpoint: $sim_url
    iam_endpoint: $sim_url
    auth: {type: aksk, access_key_env: DRS_AK, secret_key_env: DRS_SK}
    tls: {ca_file: $src/tests/data/tls/ca.pem}
    jobs:
YAML
        for id in "${job_ids[@]}"; do echo "      - $id"; done
    } >"$work/drs-monitor-$mode.yml"
    # -y: file descriptors with their paths; -ttt: times. 6 s covers the start and a status change.
    DRS_AK=$ak DRS_SK=$sk timeout -s TERM 6 strace -f -y -ttt -e trace=write,fdatasync -o "$work/trace-$mode" \
        "$mon_bin" --config.file "$work/drs-monitor-$mode.yml" --web.listen-address 127.0.0.1:0 \
        >"$work/monitor-$mode.log" 2>&1 || true
    lines=$(wc -l <"$work/state-$mode/events.jsonl" 2>/dev/null || echo 0)
    [ "$lines" -ge 4 ] || fail "$mode: only $lines events written"

    # One line per write or fdatasync of events.jsonl / state.journal: TIME CALL FILE.
    awk '{
            t = ($1 ~ /^[0-9]+$/) ? $2 : $1;   # with -f the pid comes first
            line = $0; sub(/^[0-9]+ +/, "", line); sub(/^[0-9.]+ +/, "", line)
            if (line ~ /^(write|fdatasync)\([0-9]+<[^>]*\/(events\.jsonl|state\.journal)>/) {
                call = line; sub(/\(.*/, "", call)
                file = line; sub(/^[^<]*</, "", file); sub(/>.*/, "", file); sub(/.*\//, "", file)
                print t, call, file
            }
        }' "$work/trace-$mode" >"$work/calls-$mode"
    writes=$(awk '$2 == "write"' "$work/calls-$mode" | wc -l)
    syncs=$(awk '$2 == "fdatasync"' "$work/calls-$mode" | wc -l)
    ev_writes=$(awk '$2 == "write" && $3 == "events.jsonl"' "$work/calls-$mode" | wc -l)
    ev_syncs=$(awk '$2 == "fdatasync" && $3 == "events.jsonl"' "$work/calls-$mode" | wc -l)
    [ "$writes" -ge 2 ] || fail "$mode: strace saw $writes writes to events.jsonl/state.journal"
    # The first write after which no fdatasync of the same file followed in time (or before the
    # next write of that file, for always); empty when every write was synced.
    unsynced=$(awk -v mode="$mode" '
        $2 == "write" { if (!(($3) in open_since)) open_since[$3] = $1; else if (mode == "always") { bad = bad $0 " (written again before a sync)\n" } }
        $2 == "fdatasync" && ($3 in open_since) {
            if (mode == "round" && $1 - open_since[$3] > 2) bad = bad $3 " written at " open_since[$3] " synced only at " $1 "\n"
            delete open_since[$3]
        }
        END { for (f in open_since) bad = bad f " written at " open_since[f] " never synced\n"; printf "%s", bad }' \
        "$work/calls-$mode")
    case $mode in
    never)
        [ "$syncs" = 0 ] || fail "never: $syncs fdatasync calls on events.jsonl/state.journal" ;;
    round)
        [ -z "$unsynced" ] || fail "round: $unsynced"
        [ "$ev_syncs" -le "$ev_writes" ] || fail "round: $ev_syncs fdatasyncs of events.jsonl for $ev_writes writes" ;;
    always)
        [ -z "$unsynced" ] || fail "always: $unsynced"
        [ "$ev_syncs" = "$ev_writes" ] || fail "always: $ev_syncs fdatasyncs of events.jsonl for $ev_writes writes" ;;
    esac
    echo "$mode: $lines events; $writes writes and $syncs fdatasyncs of events.jsonl and state.journal ($ev_writes and $ev_syncs of events.jsonl)"
done
echo "PASS"

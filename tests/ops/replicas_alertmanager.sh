#!/usr/bin/env bash
# Two drs-monitor replicas behind one Prometheus and Alertmanager, set up as docs/operations.md
# ("Two replicas") says: both replicas poll the same simulator (tests/ops/data/scenario.yaml) and
# are scraped as two targets of the drs-monitor job; the job alerts lose their instance label in
# alert_relabel_configs. Forcing one job into INCRE_TRANSFER_FAILED must give two firing
# DrsJobFailed alerts in Prometheus (one per replica) and exactly one in Alertmanager, without
# instance and with the job's name.
#   usage: replicas_alertmanager.sh <drs-monitor binary> <drs-sim binary> <source dir>
# Exit 77 (skipped) only when /usr/bin/prometheus or /usr/bin/prometheus-alertmanager is missing.
set -euo pipefail

mon_bin=$1
sim_bin=$2
src=$3
prometheus_bin=${PROMETHEUS_BIN:-/usr/bin/prometheus}
alertmanager_bin=${ALERTMANAGER_BIN:-/usr/bin/prometheus-alertmanager}
for b in "$prometheus_bin" "$alertmanager_bin"; do
    if [ ! -x "$b" ]; then
        echo "SKIP: $b is not installed (scripts/deps installs prometheus and prometheus-alertmanager)"
        exit 77
    fi
done
command -v jq >/dev/null || { echo "jq is required (scripts/deps)"; exit 1; }

# shellcheck source=lib/harness.sh
. "$(dirname "$0")/lib/harness.sh"
ops_init replicas sim.log monitor-a.log monitor-b.log prometheus.log alertmanager.log

scenario=$src/tests/ops/data/scenario.yaml
project_id=$(sed -n 's/^project_id: *//p' "$scenario")
mapfile -t job_ids < <(sed -n 's/^  - id: *//p' "$scenario")
failing_job=${job_ids[1]}
failing_name=payments-sync
ak=OPSTESTACCESSKEY0002
sk=ops-replicas-secret-$RANDOM$RANDOM

start_sim "$sim_bin" "$scenario" "$ak" "$sk"

# --- two replicas: the same configuration, each its own state_dir.
mon_ports=()
for r in a b; do
    mkdir -p "$work/state-$r"
    {
        cat <<YAML
global:
  poll_interval: 1s
  detail_interval: 2s
  precheck_interval: 1s
  init_interval: 1s
  max_staleness: 30s
  state_dir: $work/state-$r
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
    } >"$work/drs-monitor-$r.yml"
    DRS_AK=$ak DRS_SK=$sk "$mon_bin" --config.file "$work/drs-monitor-$r.yml" \
        --web.listen-address 127.0.0.1:0 >"$work/monitor-$r.log" 2>&1 &
    pids+=($!)
    has_port() { [ -n "$(logged_port "$work/monitor-$1.log" 'drs-monitor started.* port=[0-9]*')" ]; }
    wait_for 30 "replica $r's start-up line" has_port "$r"
    mon_ports+=("$(logged_port "$work/monitor-$r.log" 'drs-monitor started.* port=[0-9]*')")
done
step "replicas on 127.0.0.1:${mon_ports[0]} and 127.0.0.1:${mon_ports[1]}"

# --- Alertmanager: no receiver needed, its API shows the alerts it holds.
cat >"$work/alertmanager.yml" <<YAML
route:
  receiver: none
  group_wait: 1s
receivers:
  - name: none
YAML
"$alertmanager_bin" --config.file "$work/alertmanager.yml" --storage.path "$work/am-data" \
    --web.listen-address 127.0.0.1:0 --cluster.listen-address= >"$work/alertmanager.log" 2>&1 &
pids+=($!)
am_listening() { [ -n "$(logged_port "$work/alertmanager.log" 'msg="Listening on" address=127.0.0.1:[0-9]*')" ]; }
wait_for 30 "alertmanager's listening line" am_listening
am=http://127.0.0.1:$(logged_port "$work/alertmanager.log" 'msg="Listening on" address=127.0.0.1:[0-9]*')
step "alertmanager at $am"

# --- Prometheus, configured as docs/operations.md says (1s intervals for the test).
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $src/config/prometheus/alerts.yml
  - $src/config/prometheus/rules.yml
alerting:
  alert_relabel_configs:
    - source_labels: [job_id]
      regex: .+
      target_label: instance
      replacement: ''
  alertmanagers:
    - static_configs:
        - targets: ['${am#http://}']
scrape_configs:
  - job_name: drs-monitor
    static_configs:
      - targets: ['127.0.0.1:${mon_ports[0]}', '127.0.0.1:${mon_ports[1]}']
YAML
start_prometheus "$prometheus_bin" "$work/prometheus.yml" "127.0.0.1:${mon_ports[1]}"
step "prometheus at $prom"

both_up() { [ "$(query 'sum(up{job="drs-monitor"})' | jq -r '.[0].value[1] // 0')" = 2 ]; }
wait_for 30 "both replicas to be up" both_up
named_twice() { [ "$(query "count(drs_job_info{job_id=\"$failing_job\",name=\"$failing_name\"})" | jq -r '.[0].value[1] // 0')" = 2 ]; }
wait_for 30 "$failing_name on both replicas" named_twice
step "both replicas scraped; $failing_name known to both"

curl -fsS --cacert "$src/tests/data/tls/ca.pem" -X POST -H 'Content-Type: application/json' \
    -d '{"status":"INCRE_TRANSFER_FAILED","failed_reason":"forced by replicas_alertmanager.sh"}' \
    "$sim_url/-/sim/jobs/$failing_job" >/dev/null
step "forced $failing_name into INCRE_TRANSFER_FAILED"

prom_firing() {
    curl -fsS "$prom/api/v1/alerts" | jq --arg j "$failing_job" \
        '[.data.alerts[] | select(.labels.alertname == "DrsJobFailed" and .labels.job_id == $j and .state == "firing")]'
}
two_firing() { [ "$(prom_firing | jq length)" = 2 ]; }
wait_for 90 "two firing DrsJobFailed alerts in Prometheus (one per replica)" two_firing
instances=$(prom_firing | jq -r '[.[].labels.instance] | sort | join(" ")')
expected=$(printf '127.0.0.1:%s\n' "${mon_ports[@]}" | LC_ALL=C sort | paste -sd' ')
[ "$instances" = "$expected" ] || fail "Prometheus alerts' instances: $instances, expected $expected"
step "Prometheus: DrsJobFailed firing twice, instances $instances"

am_alerts() {
    curl -fsS --get "$am/api/v2/alerts" --data-urlencode 'filter=alertname="DrsJobFailed"' |
        jq --arg j "$failing_job" '[.[] | select(.labels.job_id == $j)]'
}
am_has_it() { [ "$(am_alerts | jq length)" -ge 1 ]; }
wait_for 30 "DrsJobFailed in Alertmanager" am_has_it
# Both replicas' alerts have been sent several times by now (every evaluation, 1s): still one.
sleep 3
alerts=$(am_alerts)
[ "$(jq length <<<"$alerts")" = 1 ] || fail "Alertmanager holds $(jq length <<<"$alerts") DrsJobFailed alerts: $alerts"
jq -e '.[0].labels | has("instance") | not' <<<"$alerts" >/dev/null || fail "the alert kept its instance: $alerts"
[ "$(jq -r '.[0].labels.name' <<<"$alerts")" = "$failing_name" ] || fail "the alert lost the job's name: $alerts"
[ "$(jq -r '.[0].status.state' <<<"$alerts")" = active ] || fail "the alert is not active: $alerts"
step "Alertmanager: one DrsJobFailed alert for $failing_name, without instance"
echo "PASS"

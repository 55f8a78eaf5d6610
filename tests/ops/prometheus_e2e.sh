#!/usr/bin/env bash
# The monitoring mixin against a real Prometheus:
#   drs-sim (tests/ops/data/scenario.yaml) <- drs-monitor <- prometheus (1s scrape and evaluation,
#   config/prometheus/{alerts,rules}.yml loaded unchanged)
# drs-monitor serves HTTPS with basic auth (--web.config.file: the test CA's server certificate, a
# bcrypt user); the test checks with curl that a wrong password gets 401 without leaking anything
# and the right one gets /metrics, and Prometheus scrapes with tls_config and basic_auth (a second
# scrape job with a wrong password must be refused). It then asserts through Prometheus's HTTP API
# that the target is up; that in a healthy run (nothing
# failed, throttled or retried) every dashboard query and template variable and every recording
# rule returns data, except the failure-only queries listed below with their reason; that once a
# job is forced into INCRE_TRANSFER_FAILED in the simulator every query returns data and
# DrsJobFailed fires (its for: is 30s).
#   usage: prometheus_e2e.sh <drs-monitor binary> <drs-sim binary> <source dir>
# Exit 77 (skipped) only when /usr/bin/prometheus is missing.
set -euo pipefail

mon_bin=$1
sim_bin=$2
src=$3
prometheus_bin=${PROMETHEUS_BIN:-/usr/bin/prometheus}
if [ ! -x "$prometheus_bin" ]; then
    echo "SKIP: $prometheus_bin is not installed (scripts/deps installs the prometheus package)"
    exit 77
fi
command -v jq >/dev/null || { echo "jq is required (scripts/deps)"; exit 1; }
python3 -c 'import crypt' 2>/dev/null || { echo "python3 with the crypt module is required (bcrypt hash)"; exit 1; }

# shellcheck source=lib/harness.sh
. "$(dirname "$0")/lib/harness.sh"
ops_init e2e sim.log monitor.log prometheus.log

scenario=$src/tests/ops/data/scenario.yaml
project_id=$(sed -n 's/^project_id: *//p' "$scenario")
mapfile -t job_ids < <(sed -n 's/^  - id: *//p' "$scenario")
failing_job=${job_ids[1]}
failing_name=payments-sync
ak=OPSTESTACCESSKEY0001
sk=ops-test-secret-$RANDOM$RANDOM

# --- simulator
start_sim "$sim_bin" "$scenario" "$ak" "$sk"
step "drs-sim at $sim_url"

# --- drs-monitor; the AK/SK come from a LoadCredential-style $CREDENTIALS_DIRECTORY.
mkdir -p "$work/credentials" "$work/state"
printf '%s' "$ak" >"$work/credentials/drs-access-key"
printf '%s\n' "$sk" >"$work/credentials/drs-secret-key"
chmod 600 "$work/credentials/"*
{
    cat <<YAML
global:
  poll_interval: 1s
  detail_interval: 2s
  precheck_interval: 1s
  init_interval: 1s
  async_interval: 2s
  dr_interval: 1s
  components_interval: 1s
  max_staleness: 30s
  state_dir: $work/state
projects:
  - name: ops
    region: ap-southeast-1
    project_id: $project_id
    endpoint: $sim_url
    iam_endpoint: $sim_url
    auth: {type: aksk, access_key_file: drs-access-key, secret_key_file: drs-secret-key}
    tls: {ca_file: $src/tests/data/tls/ca.pem}
    jobs:
YAML
    for id in "${job_ids[@]}"; do echo "      - $id"; done
} >"$work/drs-monitor.yml"
# HTTPS with the test CA's server certificate (SAN 127.0.0.1) and one basic-auth user whose bcrypt
# hash (cost 6) comes from the C library's crypt through Python.
scrape_password=scrape-$RANDOM$RANDOM$RANDOM
wrong_password=wrong-$RANDOM$RANDOM
printf '%s' "$scrape_password" >"$work/scrape.password"
printf '%s' "$wrong_password" >"$work/wrong.password"
chmod 600 "$work/scrape.password" "$work/wrong.password"
scrape_hash=$(SCRAPE_PASSWORD=$scrape_password python3 -W ignore -c \
    'import crypt, os; print(crypt.crypt(os.environ["SCRAPE_PASSWORD"], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=64)))')
[[ "$scrape_hash" == '$2b$06$'* ]] || fail "no bcrypt hash from python3's crypt: $scrape_hash"
cat >"$work/web.yml" <<YAML
tls_server_config:
  cert_file: $src/tests/data/tls/server.pem
  key_file: $src/tests/data/tls/server.key
basic_auth_users:
  prometheus: '$scrape_hash'
YAML
CREDENTIALS_DIRECTORY=$work/credentials "$mon_bin" --config.file "$work/drs-monitor.yml" \
    --web.config.file "$work/web.yml" --web.listen-address 127.0.0.1:0 >"$work/monitor.log" 2>&1 &
pids+=($!)
monitor_port() { grep -o 'drs-monitor started.* port=[0-9]*' "$work/monitor.log" | sed 's/.*port=//' | head -1; }
have_monitor_port() { [ -n "$(monitor_port)" ]; }
wait_for 30 "drs-monitor's start-up line" have_monitor_port
mon_port=$(monitor_port)
step "drs-monitor on https://127.0.0.1:$mon_port (basic auth)"

# --- the daemon's own port: TLS verified against the test CA, basic auth on every path.
mon_url=https://127.0.0.1:$mon_port
curl_mon=(curl -sS --max-time 10 --cacert "$src/tests/data/tls/ca.pem" -o "$work/body" -D "$work/headers" -w '%{http_code}')
plain=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$mon_port/metrics" || true)
[ "$plain" != 200 ] || fail "plain HTTP got 200 from a TLS-only port"
code=$("${curl_mon[@]}" "$mon_url/metrics")
[ "$code" = 401 ] || fail "no credentials: HTTP $code, expected 401"
grep -qi '^www-authenticate: basic' "$work/headers" || fail "401 without WWW-Authenticate: $(cat "$work/headers")"
for target in /metrics /-/healthy /api/v1/jobs /api/v1/events /; do
    code=$("${curl_mon[@]}" -u "prometheus:$wrong_password" "$mon_url$target")
    [ "$code" = 401 ] || fail "wrong password on $target: HTTP $code, expected 401"
    # Nothing but the refusal: no metrics, no job data, no hash, no password echoed.
    [ "$(wc -c <"$work/body")" -le 64 ] || fail "401 body of $(wc -c <"$work/body") bytes on $target: $(head -c 300 "$work/body")"
    for leak in drs_ job_id "$wrong_password" "$scrape_password" '$2b$' "$project_id"; do
        if grep -qF -- "$leak" "$work/body" "$work/headers"; then fail "401 on $target leaks '$leak'"; fi
    done
done
code=$("${curl_mon[@]}" -u "prometheus:$scrape_password" "$mon_url/metrics")
[ "$code" = 200 ] || fail "right password: HTTP $code, expected 200"
grep -q '^drs_monitor_build_info{' "$work/body" || fail "right password: /metrics without drs_monitor_build_info"
step "HTTPS: no credentials and a wrong password get 401 with a bare body on 5 paths; the right one gets /metrics"

# --- Prometheus with the mixin's rule files as they are; retries when the port is taken.
cat >"$work/prometheus.yml" <<YAML
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $src/config/prometheus/alerts.yml
  - $src/config/prometheus/rules.yml
scrape_configs:
  - job_name: drs-monitor
    scheme: https
    tls_config: {ca_file: $src/tests/data/tls/ca.pem}
    basic_auth: {username: prometheus, password_file: $work/scrape.password}
    static_configs:
      - targets: ['127.0.0.1:$mon_port']
  # The same target with a wrong password: must stay down with HTTP 401.
  - job_name: drs-monitor-wrong-password
    scheme: https
    tls_config: {ca_file: $src/tests/data/tls/ca.pem}
    basic_auth: {username: prometheus, password_file: $work/wrong.password}
    static_configs:
      - targets: ['127.0.0.1:$mon_port']
YAML
start_prometheus "$prometheus_bin" "$work/prometheus.yml" "127.0.0.1:$mon_port"
step "prometheus at $prom"

has_data() { [ "$(query "$1" | jq length)" -gt 0 ]; }
target_up() { [ "$(query 'up{job="drs-monitor"}' | jq -r '.[0].value[1] // ""')" = 1 ]; }
wait_for 30 "the drs-monitor target to be up" target_up
refused() {
    curl -fsS "$prom/api/v1/targets" | jq -e '.data.activeTargets[] | select(.labels.job == "drs-monitor-wrong-password") |
        select(.health == "down" and (.lastError | contains("401")))' >/dev/null
}
wait_for 30 "the wrong-password scrape job to be refused with 401" refused
step "target up over HTTPS with basic auth; the wrong-password job is down with 401"

# The job must be known and healthy before it is failed on purpose.
wait_for 30 "$failing_name to be scraped" has_data "drs_job_info{job_id=\"$failing_job\",name=\"$failing_name\"}"
alert_state() {
    curl -fsS "$prom/api/v1/alerts" |
        jq -r --arg a "$1" --arg j "$2" '[.data.alerts[] | select(.labels.alertname == $a and .labels.job_id == $j) | .state] | first // "inactive"'
}
[ "$(query "drs_job_failed{job_id=\"$failing_job\"}" | jq -r '.[0].value[1]')" = 0 ] || fail "$failing_name is failed from the start"
[ "$(alert_state DrsJobFailed "$failing_job")" = inactive ] || fail "DrsJobFailed is active before the job failed"

# --- every dashboard query and variable, with Grafana's variables substituted.
substitute() {
    sed -e 's/\$__rate_interval/1m/g; s/\$__range/5m/g; s/\$__interval/5s/g' \
        -e 's/\$project/.+/g; s/\$job_id/.+/g; s/\$job/drs-monitor/g'
}
dash_queries=$work/dashboard-queries.tsv
for dash in "$src"/config/grafana/*.json; do
    jq -r --arg d "$(basename "$dash")" \
        '[.panels[] | ., (.panels[]?)] | .[] | select(.targets) | .title as $t | .targets[] | [$d, $t, .expr] | @tsv' "$dash"
done >"$dash_queries"
[ "$(wc -l <"$dash_queries")" -ge 20 ] || fail "found only $(wc -l <"$dash_queries") dashboard queries"
mapfile -t records < <(sed -n 's/^ *- record: *//p' "$src/config/prometheus/rules.yml")
[ ${#records[@]} -ge 5 ] || fail "found only ${#records[@]} recording rules"

# The queries that legitimately have no data while nothing fails, as "dashboard<TAB>panel<TAB>
# start of the expression<TAB>reason". In the healthy run they must have no data (so that this
# list stays true); once a job has failed they must have data like every other query.
failure_only=$work/failure-only.tsv
printf '%s\t%s\t%s\t%s\n' \
    drs-overview.json "Failed jobs" '(drs_job_status{' \
    'the table lists the jobs whose status ends in _FAILED (drs_job_status == 1 joined with the name): empty while none has failed' \
    >"$failure_only"
is_failure_only() {
    local dash title prefix reason
    while IFS=$'\t' read -r dash title prefix reason; do
        [ "$1" = "$dash" ] && [ "$2" = "$title" ] && [[ "$3" == "$prefix"* ]] && return 0
    done <"$failure_only"
    return 1
}

# missing healthy|failed: prints every query, recording rule and template variable without data
# (healthy: the failure-only queries instead must have none), one per line; nothing when all is well.
missing() {
    local mode=$1 out="" dash title expr
    while IFS=$'\t' read -r dash title expr; do
        local q
        q=$(printf '%s' "$expr" | substitute)
        if [ "$mode" = healthy ] && is_failure_only "$dash" "$title" "$expr"; then
            has_data "$q" && out+="  listed as failure-only but has data: $dash / $title: $q"$'\n'
        else
            has_data "$q" || out+="  $dash / $title: $q"$'\n'
        fi
    done <"$dash_queries"
    for r in "${records[@]}"; do has_data "$r" || out+="  recording rule $r"$'\n'; done
    # Template variables: label_values(selector, label) through the label values API.
    for dash in "$src"/config/grafana/*.json; do
        while IFS= read -r v; do
            local sel label n
            v=$(printf '%s' "$v" | substitute)
            sel=$(sed -E 's/^label_values\((.*), *([a-z_]+)\)$/\1/' <<<"$v")
            label=$(sed -E 's/^label_values\((.*), *([a-z_]+)\)$/\2/' <<<"$v")
            n=$(curl -fsS --get "$prom/api/v1/label/$label/values" --data-urlencode "match[]=$sel" | jq '.data | length')
            [ "$n" -gt 0 ] || out+="  $(basename "$dash") variable: $v"$'\n'
        done < <(jq -r '.templating.list[] | select(.type == "query") | .definition' "$dash")
    done
    printf '%s' "$out"
}
# expect_data MODE: waits up to 60 s for missing MODE to print nothing.
expect_data() {
    local mode=$1 result
    if ! result=$(
        end=$(($(date +%s) + 60))
        until last=$(missing "$mode") && [ -z "$last" ]; do
            [ "$(date +%s)" -lt "$end" ] || { printf '%s' "$last"; exit 1; }
            sleep 1
        done
    ); then
        echo "queries without data after 60s ($mode run):" >&2
        echo "$result" >&2
        fail "dashboard queries or recording rules without data in the $mode run"
    fi
}
scalar() { query "$1" | jq -r '.[0].value[1] // "none"'; }

# --- a healthy run: nothing failed, throttled or retried, and still every panel has data.
expect_data healthy
[ "$(scalar 'sum(drs_monitor_api_throttled_total)')" = 0 ] || fail "throttled in the healthy run"
[ "$(scalar 'sum(drs_monitor_api_retries_total)')" = 0 ] || fail "retries in the healthy run"
[ "$(scalar 'sum(drs_job_failed)')" = 0 ] || fail "a job failed in the healthy run"
step "healthy run: $(($(wc -l <"$dash_queries") - $(wc -l <"$failure_only"))) dashboard queries, the template variables and ${#records[@]} recording rules return data; $(wc -l <"$failure_only") failure-only query has none:"
cut -f1,2,4 "$failure_only" | sed 's/\t/ \/ /; s/\t/: /; s/^/    /'

curl -fsS --cacert "$src/tests/data/tls/ca.pem" -X POST -H 'Content-Type: application/json' \
    -d '{"status":"INCRE_TRANSFER_FAILED","failed_reason":"forced by prometheus_e2e.sh"}' \
    "$sim_url/-/sim/jobs/$failing_job" >/dev/null
forced_at=$(date +%s)
step "forced $failing_name into INCRE_TRANSFER_FAILED"
# Two throttled answers: counted on the series that existed at 0 from the start.
curl -fsS --cacert "$src/tests/data/tls/ca.pem" -X POST -H 'Content-Type: application/json' \
    -d '{"spec":"429:count=2,api=batch-progress"}' "$sim_url/-/sim/faults" >/dev/null

# --- after the failure every query has data, the failure-only ones included.
expect_data failed
throttled_twice() { [ "$(scalar 'sum(drs_monitor_api_throttled_total{api="batch-progress"})')" = 2 ]; }
wait_for 30 "drs_monitor_api_throttled_total{api=\"batch-progress\"} to reach 2" throttled_twice
step "after the failure: all $(wc -l <"$dash_queries") dashboard queries return data; 2 throttled answers counted"

# --- DrsJobFailed: pending, then firing with the job's name from drs_job_info.
firing() { [ "$(alert_state DrsJobFailed "$failing_job")" = firing ]; }
wait_for 90 "DrsJobFailed to fire for $failing_name" firing
alert=$(curl -fsS "$prom/api/v1/alerts" | jq -c --arg j "$failing_job" \
    '.data.alerts[] | select(.labels.alertname == "DrsJobFailed" and .labels.job_id == $j)')
[ "$(jq -r .labels.name <<<"$alert")" = "$failing_name" ] || fail "alert without the job's name: $alert"
[ "$(jq -r .labels.severity <<<"$alert")" = critical ] || fail "alert severity: $alert"
jq -e '.annotations.summary | contains("payments-sync")' <<<"$alert" >/dev/null || fail "summary: $alert"
took=$(($(date +%s) - forced_at))
[ "$took" -ge 30 ] || fail "DrsJobFailed fired ${took}s after the failure, before its for: 30s"
# Only the forced job fails.
others=$(curl -fsS "$prom/api/v1/alerts" | jq --arg j "$failing_job" \
    '[.data.alerts[] | select(.labels.alertname == "DrsJobFailed" and .labels.job_id != $j)] | length')
[ "$others" = 0 ] || fail "DrsJobFailed fired for $others other jobs"
step "DrsJobFailed firing for $failing_name ${took}s after the failure"
for secret in "$scrape_password" "$wrong_password" "$sk"; do
    if grep -qF -- "$secret" "$work/monitor.log"; then fail "a password or the secret key is in drs-monitor's log"; fi
done
echo "PASS"

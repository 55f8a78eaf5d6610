#!/usr/bin/env bash
# config/prometheus: promtool checks the rule files and the example configuration's syntax and
# runs the rule unit tests; the Grafana dashboards are valid JSON with stable uids and take
# their data source from the $datasource variable.
#   usage: promtool_rules.sh <source dir>
set -euo pipefail
src=$1
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v promtool >/dev/null || fail "promtool is required (package prometheus, scripts/deps)"
command -v jq >/dev/null || fail "jq is required (scripts/deps)"
cd "$src/config/prometheus"

out=$(promtool check rules alerts.yml rules.yml 2>&1) || fail "$out"
grep -q 'SUCCESS: 18 rules found' <<<"$out" || fail "alerts.yml: $out"
lint=$(promtool check rules --lint=all --lint-fatal alerts.yml rules.yml 2>&1) || fail "lint: $lint"
echo "$out"

# Every alert has a severity, a summary and a description, a CamelCase name starting with Drs,
# and is exercised by the unit tests.
mapfile -t alerts < <(sed -n 's/^ *- alert: *//p' alerts.yml)
for a in "${alerts[@]}"; do
    [[ $a =~ ^Drs[A-Z][A-Za-z]+$ ]] || fail "alert name $a is not CamelCase with the Drs prefix"
    grep -q "alertname: $a\$\|alertname: $a," tests/*.yml || fail "no unit test for $a"
done
for want in DrsJobFailed DrsReplicationDelayHigh DrsJobStalled DrsPrecheckFailed DrsMonitorApiErrors \
    DrsDataStale DrsMonitorDown DrsMonitorAbsent DrsApiThrottled DrsAuthFailing DrsTokenExpiringSoon \
    DrsDiscoveryFailing DrsJobNotFound DrsRpoHigh DrsRtoHigh DrsEndpointDown DrsComponentStopped DrsSwitchoverInProgress; do
    printf '%s\n' "${alerts[@]}" | grep -qx "$want" || fail "alert $want is missing"
done
n_sev=$(grep -c '^ *severity: \(critical\|warning\|info\)$' alerts.yml)
n_sum=$(grep -c '^ *summary: ' alerts.yml)
n_desc=$(grep -c '^ *description: ' alerts.yml)
[ "$n_sev" = ${#alerts[@]} ] && [ "$n_sum" = ${#alerts[@]} ] && [ "$n_desc" = ${#alerts[@]} ] ||
    fail "severity/summary/description on $n_sev/$n_sum/$n_desc of ${#alerts[@]} alerts"

out=$(promtool test rules tests/*.yml 2>&1) || fail "$out"
echo "$out"

# Metric names used by the mixin exist in docs/metrics.md (recording rules and Prometheus's own excepted).
cat alerts.yml rules.yml ../grafana/*.json | grep -oE '(^|[^:a-z_])drs_[a-z_]*' | grep -o 'drs_.*' | sort -u | while read -r m; do
    base=${m%_bucket}
    grep -q "\`$base\`" "$src/docs/metrics.md" || fail "$m is not in docs/metrics.md"
done

cd "$src/config/grafana"
declare -A uids=([drs-overview.json]=drs-monitor-overview [drs-job.json]=drs-monitor-job)
for f in "${!uids[@]}"; do
    [ "$(jq -r .uid "$f")" = "${uids[$f]}" ] || fail "$f: uid is not ${uids[$f]}"
    [ "$(jq -r '.templating.list[] | select(.name == "datasource") | .type' "$f")" = datasource ] ||
        fail "$f: no datasource variable"
    bad=$(jq -r '[.. | objects | select(has("datasource")) | .datasource | select(type == "object") | .uid] | map(select(. != "${datasource}")) | length' "$f")
    [ "$bad" = 0 ] || fail "$f: $bad datasource references do not use \${datasource}"
    echo "$f: uid ${uids[$f]}, $(jq '[.panels[] | select(.targets)] | length' "$f") panels"
done
[ "$(jq -r '.templating.list[] | select(.name == "job_id") | .type' drs-job.json)" = query ] ||
    fail "drs-job.json has no job_id variable"
echo PASS

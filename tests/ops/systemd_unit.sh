#!/usr/bin/env bash
# systemd/drs-monitor.service: `systemd-analyze security` rates it 2.0 or lower ("OK"),
# `systemd-analyze verify` has nothing to say (with ExecStart pointing at the built binary),
# and the service contract the daemon implements is declared.
#   usage: systemd_unit.sh <unit file> <drs-monitor binary>
set -euo pipefail
unit=$1
bin=$(realpath "$2")
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v systemd-analyze >/dev/null || fail "systemd-analyze is required (package systemd, scripts/deps)"

work=$(mktemp -d /tmp/drs-ops-unit.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Exposure level.
security=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1) || fail "security: $security"
line=$(grep 'Overall exposure level' <<<"$security") || fail "no exposure level in: $security"
level=$(sed -E 's/.*: ([0-9]+\.[0-9]+) .*/\1/' <<<"$line")
echo "$line"
awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || fail "exposure level $level is above 2.0"
grep -q ' OK' <<<"$line" || fail "not rated OK: $line"

# verify: a copy whose ExecStart is the built binary (the unit names /usr/sbin/drs-monitor).
sed "s#^ExecStart=/usr/sbin/drs-monitor #ExecStart=$bin #" "$unit" >"$work/drs-monitor.service"
grep -q "^ExecStart=$bin " "$work/drs-monitor.service" || fail "ExecStart does not start /usr/sbin/drs-monitor"
out=$(cd "$work" && systemd-analyze verify --man=no ./drs-monitor.service 2>&1) || fail "verify failed: $out"
[ -z "$out" ] || fail "verify reports: $out"
echo "systemd-analyze verify: no findings"

# The daemon's side of the contract (sd_notify, SIGHUP reload, exit code 2, credentials).
for directive in 'Type=notify' 'NotifyAccess=main' 'WatchdogSec=' 'TimeoutStartSec=' \
    'ExecReload=/bin/kill -HUP $MAINPID' 'Restart=on-failure' 'RestartPreventExitStatus=2' \
    'EnvironmentFile=-/etc/default/drs-monitor' 'DynamicUser=yes' 'StateDirectory=drs-monitor' \
    'ConfigurationDirectory=drs-monitor' 'LoadCredential=drs-access-key:' 'LoadCredential=drs-secret-key:'; do
    grep -qF -- "$directive" "$unit" || fail "missing $directive"
done
grep -qE '^ExecStart=/usr/sbin/drs-monitor --config.file /etc/drs-monitor/drs-monitor.yml \$ARGS$' "$unit" ||
    fail "ExecStart is not '/usr/sbin/drs-monitor --config.file /etc/drs-monitor/drs-monitor.yml \$ARGS'"
# The watchdog period leaves room for the daemon's WATCHDOG_USEC/3 pings and the 60 s first round.
watchdog=$(sed -n 's/^WatchdogSec=\([0-9]*\)$/\1/p' "$unit")
start_timeout=$(sed -n 's/^TimeoutStartSec=\([0-9]*\)$/\1/p' "$unit")
[ -n "$watchdog" ] && [ "$watchdog" -ge 30 ] || fail "WatchdogSec must be whole seconds >= 30"
[ -n "$start_timeout" ] && [ "$start_timeout" -gt 60 ] || fail "TimeoutStartSec must exceed the 60 s first round"

# The state directory is the configuration's default state_dir.
grep -q '^  state_dir: /var/lib/drs-monitor$' "$(dirname "$unit")/../config/drs-monitor.example.yml" ||
    fail "the example configuration's state_dir is not the unit's StateDirectory"
echo PASS

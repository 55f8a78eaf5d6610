#!/usr/bin/env bash
# Builds the Debian package with cpack, installs it into this (throwaway) system with dpkg -i,
# checks the installed daemon, unit, configuration and mixin, then removes and purges it and
# checks that its files are gone. Needs root; refuses to touch an already installed drs-monitor.
#   usage: debian_package.sh <build dir> <source dir>
# Exit 77 (skipped) when not root.
set -euo pipefail
build=$1
src=$2
fail() { echo "FAIL: $*" >&2; exit 1; }
if [ "$(id -u)" -ne 0 ]; then
    echo "SKIP: installing a package needs root"
    exit 77
fi
if dpkg-query -W -f='${Status}' drs-monitor 2>/dev/null | grep -q 'installed\|config-files'; then
    fail "a drs-monitor package is already on this system; not replacing it"
fi

work=$(mktemp -d /tmp/drs-ops-deb.XXXXXX)
installed=0
cleanup() {
    if [ $installed -eq 1 ]; then dpkg --purge drs-monitor >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
[ -n "$version" ] || fail "no CPACK_PACKAGE_VERSION in $build/CPackConfig.cmake"
(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg" >"$work/cpack.log" 2>&1) ||
    { cat "$work/cpack.log"; fail "cpack failed"; }
deb=$work/pkg/drs-monitor_${version}_amd64.deb
[ -f "$deb" ] || { ls -l "$work/pkg"; fail "no $deb"; }
echo "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

# Control data: runtime dependencies from dpkg-shlibdeps, conffiles, maintainer scripts.
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for lib in libc6 libstdc++6 libssl3 libyaml-cpp0.7 libspdlog1.10 libprometheus-cpp-core1.0 zlib1g; do
    grep -q "\b$lib\b" <<<"$depends" || fail "Depends lacks $lib"
done
dpkg-deb -e "$deb" "$work/control"
printf '/etc/default/drs-monitor\n/etc/drs-monitor/drs-monitor.yml\n' >"$work/expected-conffiles"
sort "$work/control/conffiles" | diff -u "$work/expected-conffiles" - || fail "conffiles differ"
for s in postinst prerm postrm; do [ -x "$work/control/$s" ] || fail "no executable $s"; done

dpkg-deb -c "$deb" | awk '{print $6}' >"$work/contents"
for f in ./usr/sbin/drs-monitor ./lib/systemd/system/drs-monitor.service ./etc/default/drs-monitor \
    ./etc/drs-monitor/drs-monitor.yml ./usr/share/doc/drs-monitor/operations.md \
    ./usr/share/doc/drs-monitor/configuration.md ./usr/share/doc/drs-monitor/metrics.md \
    ./usr/share/doc/drs-monitor/examples/drs-monitor.example.yml \
    ./usr/share/drs-monitor/prometheus/alerts.yml ./usr/share/drs-monitor/prometheus/rules.yml \
    ./usr/share/drs-monitor/prometheus/prometheus.yml ./usr/share/drs-monitor/grafana/drs-overview.json \
    ./usr/share/drs-monitor/grafana/drs-job.json; do
    grep -qxF "$f" "$work/contents" || fail "the package lacks $f"
done

# Install. Without a running systemd the scripts only register the unit.
dpkg -i "$deb" >"$work/dpkg-i.log" 2>&1 || { cat "$work/dpkg-i.log"; fail "dpkg -i failed"; }
installed=1
dpkg -L drs-monitor | sort >"$work/files"
[ "$(dpkg-query -W -f='${Status}' drs-monitor)" = "install ok installed" ] || fail "not installed"
[ -d /etc/drs-monitor/credentials ] && [ "$(stat -c %a /etc/drs-monitor/credentials)" = 700 ] ||
    fail "postinst did not create /etc/drs-monitor/credentials with mode 700"
if command -v deb-systemd-helper >/dev/null; then
    [ -L /etc/systemd/system/multi-user.target.wants/drs-monitor.service ] || fail "the unit is not enabled"
fi

out=$(/usr/sbin/drs-monitor --version)
grep -q "$version" <<<"$out" || fail "--version printed: $out"
echo "installed: $out"

# --config.check on the installed example; its *_file secrets resolve in $CREDENTIALS_DIRECTORY
# as systemd's LoadCredential= provides them, the dr project's password comes from the environment.
mkdir -m 700 "$work/credentials"
printf 'AKDUMMY0000000000001' >"$work/credentials/drs-access-key"
printf 'dummy-secret-key\n' >"$work/credentials/drs-secret-key"
chmod 600 "$work/credentials/"*
CREDENTIALS_DIRECTORY=$work/credentials DRS_DR_PASSWORD=dummy-password \
    /usr/sbin/drs-monitor --config.check --config.file /etc/drs-monitor/drs-monitor.yml ||
    fail "--config.check rejected the installed example"
rc=0
env -u CREDENTIALS_DIRECTORY DRS_DR_PASSWORD=dummy-password \
    /usr/sbin/drs-monitor --config.check --config.file /etc/drs-monitor/drs-monitor.yml >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "--config.check without the credentials exited $rc, not 2"

# The installed unit and the mixin as an administrator would use them.
out=$(systemd-analyze verify --man=no /lib/systemd/system/drs-monitor.service 2>&1) || fail "verify: $out"
[ -z "$out" ] || fail "verify reports: $out"
promtool check config /usr/share/drs-monitor/prometheus/prometheus.yml >/dev/null ||
    fail "promtool rejects the installed prometheus.yml"
# ARGS from /etc/default/drs-monitor reaches the daemon as systemd would expand it.
(. /etc/default/drs-monitor && [ -z "$ARGS" ]) || fail "/etc/default/drs-monitor must set ARGS=\"\""

# Remove: the program goes, the conffiles stay.
echo "# changed by the administrator" >>/etc/default/drs-monitor
dpkg -r drs-monitor >"$work/dpkg-r.log" 2>&1 || { cat "$work/dpkg-r.log"; fail "dpkg -r failed"; }
[ ! -e /usr/sbin/drs-monitor ] || fail "/usr/sbin/drs-monitor is still there after dpkg -r"
[ ! -e /lib/systemd/system/drs-monitor.service ] || fail "the unit is still there after dpkg -r"
grep -q "changed by the administrator" /etc/default/drs-monitor || fail "dpkg -r did not keep the conffile"
[ "$(dpkg-query -W -f='${Status}' drs-monitor)" = "deinstall ok config-files" ] || fail "unexpected state after -r"

# Purge: every file of the package, the conffiles and the credentials directory go.
dpkg --purge drs-monitor >"$work/dpkg-p.log" 2>&1 || { cat "$work/dpkg-p.log"; fail "dpkg --purge failed"; }
installed=0
if dpkg-query -W drs-monitor >/dev/null 2>&1 && dpkg-query -W -f='${Status}' drs-monitor | grep -q installed; then
    fail "still known to dpkg after --purge"
fi
left=""
while IFS= read -r f; do
    [ -d "$f" ] && continue          # shared directories (/usr, /lib -> usr/lib, ...)
    if [ -e "$f" ] || [ -L "$f" ]; then left+=" $f"; fi
done <"$work/files"
for f in /etc/drs-monitor /etc/default/drs-monitor /usr/share/drs-monitor /usr/share/doc/drs-monitor \
    /etc/systemd/system/multi-user.target.wants/drs-monitor.service /etc/systemd/system/drs-monitor.service; do
    if [ -e "$f" ] || [ -L "$f" ]; then left+=" $f"; fi
done
[ -z "$left" ] || fail "left behind after purge:$left"
echo "removed and purged: no files left"
echo PASS

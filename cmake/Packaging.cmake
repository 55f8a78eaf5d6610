# Install rules for the service files and the Debian package (CPack DEB).
#   cmake --build build && (cd build && cpack -G DEB)   ->  build/drs-monitor_<version>_amd64.deb
# The binary's own rule lives in daemon/CMakeLists.txt (sbin). Files under /etc and /lib use
# absolute destinations, as Debian lays them out; stage them with DESTDIR=... cmake --install.

set(DRSMON_SYSCONFDIR "/etc" CACHE PATH "Where the configuration and /etc/default files are installed")
set(DRSMON_SYSTEMD_UNITDIR "/lib/systemd/system" CACHE PATH "Where the systemd unit is installed")

set(_drsmon_src ${PROJECT_SOURCE_DIR})

install(FILES ${_drsmon_src}/systemd/drs-monitor.service DESTINATION ${DRSMON_SYSTEMD_UNITDIR})
install(FILES ${_drsmon_src}/config/drs-monitor.example.yml
        DESTINATION ${DRSMON_SYSCONFDIR}/drs-monitor RENAME drs-monitor.yml)
install(FILES ${_drsmon_src}/config/default/drs-monitor DESTINATION ${DRSMON_SYSCONFDIR}/default)

# Documentation, the example configuration and the unit (for reference).
file(GLOB _drsmon_docs CONFIGURE_DEPENDS ${_drsmon_src}/docs/*.md)
install(FILES ${_drsmon_docs} DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${_drsmon_src}/config/drs-monitor.example.yml DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

# The monitoring mixin: Prometheus alerts, recording rules, scrape example, Grafana dashboards.
install(FILES ${_drsmon_src}/config/prometheus/alerts.yml ${_drsmon_src}/config/prometheus/rules.yml
              ${_drsmon_src}/config/prometheus/prometheus.yml
        DESTINATION ${CMAKE_INSTALL_DATADIR}/drs-monitor/prometheus)
install(FILES ${_drsmon_src}/config/grafana/drs-overview.json ${_drsmon_src}/config/grafana/drs-job.json
        DESTINATION ${CMAKE_INSTALL_DATADIR}/drs-monitor/grafana)

# CPack: one Debian package, drs-monitor_<version>_amd64.deb.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "drs-monitor")
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_VENDOR "drs-monitor")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "drs-monitor maintainers <drs-monitor@localhost>")
set(CPACK_DEBIAN_PACKAGE_SECTION "net")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
# CPack puts CPACK_PACKAGE_DESCRIPTION_SUMMARY on the first line; this is the extended part.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "drs-monitor polls the Huawei Cloud Data Replication Service API for the\n\
configured jobs and exposes their status, progress, replication delay and\n\
pre-check results as Prometheus metrics. Ships a hardened systemd unit,\n\
Prometheus alerting and recording rules and Grafana dashboards.")
# Runtime libraries (libboost-json, libspdlog, libyaml-cpp, libprometheus-cpp-core, libssl, ...)
# come from dpkg-shlibdeps (package dpkg-dev).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${_drsmon_src}/cmake/debian/conffiles ${_drsmon_src}/cmake/debian/postinst
    ${_drsmon_src}/cmake/debian/prerm ${_drsmon_src}/cmake/debian/postrm)
include(CPack)

# ovs-flowlog-exporter: receives snapshots from ovs-vswitchd, spools them,
# writes the flow log files and stores them through the sinks of
# lib/libflowlog-sink.a.
sbin_PROGRAMS += utilities/exporter/ovs-flowlog-exporter
utilities_exporter_ovs_flowlog_exporter_SOURCES = \
	utilities/exporter/ovs-flowlog-exporter.c \
	utilities/exporter/exporter-conn.c \
	utilities/exporter/exporter-conn.h \
	utilities/exporter/exporter-delivery.c \
	utilities/exporter/exporter-delivery.h \
	utilities/exporter/exporter-logger.c \
	utilities/exporter/exporter-logger.h \
	utilities/exporter/exporter-spool.c \
	utilities/exporter/exporter-spool.h \
	utilities/exporter/exporter-worker.c \
	utilities/exporter/exporter-worker.h
# The product's version for --version and "ovs-appctl version"; not
# through DEFS (see Makefile.am), so that it does not clash with OVS's
# own PACKAGE_VERSION in config.h.
utilities_exporter_ovs_flowlog_exporter_CPPFLAGS = \
	$(AM_CPPFLAGS) $(PROTOBUF_C_CFLAGS) \
	-DFLOWLOG_PACKAGE_STRING='"($(PACKAGE_NAME)) $(PACKAGE_VERSION)"'
utilities_exporter_ovs_flowlog_exporter_LDADD = \
	lib/libflowlog-sink.a lib/libflowlog-file.a lib/libflowlog.a \
	$(OVS_LIBOPENVSWITCH) \
	$(INIH_LIBS) $(ZLIB_LIBS) $(LIBDEFLATE_LIBS) $(PROTOBUF_C_LIBS) $(LIBCURL_LIBS) \
	$(LIBCRYPTO_LIBS)
utilities_exporter_ovs_flowlog_exporter_LINK = $(OVS_LIBTOOL_LINK)
EXTRA_utilities_exporter_ovs_flowlog_exporter_DEPENDENCIES = \
	$(OVS_LIBOPENVSWITCH)
$(utilities_exporter_ovs_flowlog_exporter_OBJECTS): \
		ovs/.flowlog-configured | ovs-libs

man_MANS += utilities/exporter/ovs-flowlog-exporter.8
EXTRA_DIST += \
	utilities/exporter/ovs-flowlog-exporter.8 \
	utilities/exporter/flowlog-exporter.conf.sample

# ovs-flowlog: reads flow log files (local, file://, swift://, s3://) for
# people and scripts: cat, top, denied, scans, report --html.
bin_PROGRAMS += utilities/ovs-flowlog
utilities_ovs_flowlog_SOURCES = \
	utilities/ovs-flowlog.c \
	utilities/flowlog-filter.c \
	utilities/flowlog-filter.h \
	utilities/flowlog-report.c \
	utilities/flowlog-report.h \
	utilities/flowlog-source.c \
	utilities/flowlog-source.h \
	utilities/flowlog-stats.c \
	utilities/flowlog-stats.h
utilities_ovs_flowlog_CPPFLAGS = \
	$(AM_CPPFLAGS) \
	-DFLOWLOG_PACKAGE_STRING='"($(PACKAGE_NAME)) $(PACKAGE_VERSION)"'
utilities_ovs_flowlog_LDADD = \
	lib/libflowlog-sink.a lib/libflowlog-file.a lib/libflowlog.a \
	$(OVS_LIBOPENVSWITCH) \
	$(INIH_LIBS) $(ZLIB_LIBS) $(LIBDEFLATE_LIBS) $(LIBCURL_LIBS) \
	$(LIBCRYPTO_LIBS)
utilities_ovs_flowlog_LINK = $(OVS_LIBTOOL_LINK)
EXTRA_utilities_ovs_flowlog_DEPENDENCIES = $(OVS_LIBOPENVSWITCH)
$(utilities_ovs_flowlog_OBJECTS): ovs/.flowlog-configured | ovs-libs

man_MANS += utilities/ovs-flowlog.1
EXTRA_DIST += utilities/ovs-flowlog.1

# Programs that link OVS's libopenvswitch.la do it through the OVS copy's
# libtool, which knows that library's own dependencies (SSL, cap-ng, ...).
OVS_LIBOPENVSWITCH = $(OVS_BUILDDIR)/lib/libopenvswitch.la
OVS_LIBTOOL_LINK = $(OVS_BUILDDIR)/libtool $(if $(filter 1,$(V)),,--silent) \
	--tag=CC --mode=link $(CCLD) $(AM_CFLAGS) $(CFLAGS) $(AM_LDFLAGS) \
	$(LDFLAGS) -o $@
$(OVS_LIBOPENVSWITCH): | ovs-libs
	@:

# ovs-flowlog-exporter: receives snapshots from ovs-vswitchd, spools them,
# writes and uploads the flow log files.
sbin_PROGRAMS += utilities/ovs-flowlog-exporter
utilities_ovs_flowlog_exporter_SOURCES = \
	utilities/ovs-flowlog-exporter.c \
	utilities/exporter-config.c \
	utilities/exporter-config.h \
	utilities/exporter-conn.c \
	utilities/exporter-conn.h \
	utilities/exporter-delivery.c \
	utilities/exporter-delivery.h \
	utilities/exporter-file.c \
	utilities/exporter-http.c \
	utilities/exporter-http.h \
	utilities/exporter-logger.c \
	utilities/exporter-logger.h \
	utilities/exporter-s3.c \
	utilities/exporter-sink.c \
	utilities/exporter-sink.h \
	utilities/exporter-spool.c \
	utilities/exporter-spool.h \
	utilities/exporter-swift.c \
	utilities/exporter-worker.c \
	utilities/exporter-worker.h
utilities_ovs_flowlog_exporter_CPPFLAGS = \
	$(AM_CPPFLAGS) $(INIH_CFLAGS) $(ZLIB_CFLAGS) $(PROTOBUF_C_CFLAGS) \
	$(LIBCURL_CFLAGS) $(LIBCRYPTO_CFLAGS)
utilities_ovs_flowlog_exporter_LDADD = \
	lib/libflowlog-file.a lib/libflowlog.a $(OVS_LIBOPENVSWITCH) \
	$(INIH_LIBS) $(ZLIB_LIBS) $(PROTOBUF_C_LIBS) $(LIBCURL_LIBS) \
	$(LIBCRYPTO_LIBS)
utilities_ovs_flowlog_exporter_LINK = $(OVS_LIBTOOL_LINK)
EXTRA_utilities_ovs_flowlog_exporter_DEPENDENCIES = $(OVS_LIBOPENVSWITCH)
$(utilities_ovs_flowlog_exporter_OBJECTS): ovs/.flowlog-configured | ovs-libs

man_MANS += utilities/ovs-flowlog-exporter.8
EXTRA_DIST += \
	utilities/ovs-flowlog-exporter.8 \
	utilities/flowlog-exporter.conf.sample

# Programs that link OVS's libopenvswitch.la do it through the OVS copy's
# libtool, which knows that library's own dependencies (SSL, cap-ng, ...).
OVS_LIBOPENVSWITCH = $(OVS_BUILDDIR)/lib/libopenvswitch.la
OVS_LIBTOOL_LINK = $(OVS_BUILDDIR)/libtool $(if $(filter 1,$(V)),,--silent) \
	--tag=CC --mode=link $(CCLD) $(AM_CFLAGS) $(CFLAGS) $(AM_LDFLAGS) \
	$(LDFLAGS) -o $@
$(OVS_LIBOPENVSWITCH): | ovs-libs
	@:

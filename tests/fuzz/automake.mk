# libFuzzer harnesses, one per parser of input that ovs-flowlog does not
# control (see tests/fuzz/README.md).  Built only by configure
# --enable-sanitizers with clang, whose CFLAGS then instrument OVS and
# ovs-flowlog for libFuzzer (-fsanitize=fuzzer-no-link); each harness adds
# libFuzzer's main().
#
#   make fuzz                     builds them
#   make check-fuzz               replays each corpus, then fuzzes each for
#                                 FUZZ_SECONDS (default 10) with a fixed
#                                 seed: what CI runs
#   make fuzz-run FUZZ_SECONDS=N  fuzzes each for N seconds (default 60)
#                                 from its corpus, into a copy in
#                                 tests/fuzz/work/ of the build tree

FUZZ_HARNESSES = \
	tests/fuzz/fuzz-frame \
	tests/fuzz/fuzz-channel-exporter \
	tests/fuzz/fuzz-channel-vswitchd \
	tests/fuzz/fuzz-spool \
	tests/fuzz/fuzz-exporter-config \
	tests/fuzz/fuzz-ovsdb-host \
	tests/fuzz/fuzz-logger-options \
	tests/fuzz/fuzz-s3 \
	tests/fuzz/fuzz-swift \
	tests/fuzz/fuzz-file-writer \
	tests/fuzz/fuzz-reader \
	tests/fuzz/fuzz-cli-filter

if FUZZ_ENABLED
noinst_PROGRAMS += $(FUZZ_HARNESSES)
endif

FUZZ_LINK = $(OVS_LIBTOOL_LINK) -fsanitize=fuzzer
FUZZ_COMMON = tests/fuzz/fuzz.c tests/fuzz/fuzz.h
FUZZ_SINK_COMMON = $(FUZZ_COMMON) tests/fuzz/fuzz-sink.c
FUZZ_CPPFLAGS = $(AM_CPPFLAGS) $(PROTOBUF_C_CFLAGS)
FUZZ_LIBS = \
	lib/libflowlog-sink.a lib/libflowlog-file.a lib/libflowlog.a \
	$(OVS_LIBOPENVSWITCH) \
	$(INIH_LIBS) $(ZLIB_LIBS) $(LIBDEFLATE_LIBS) $(PROTOBUF_C_LIBS) \
	$(LIBCURL_LIBS) $(LIBCRYPTO_LIBS)
FUZZ_DEPS = $(OVS_LIBOPENVSWITCH)

tests_fuzz_fuzz_frame_SOURCES = tests/fuzz/fuzz-frame.c $(FUZZ_COMMON)
tests_fuzz_fuzz_channel_exporter_SOURCES = \
	tests/fuzz/fuzz-channel-exporter.c $(FUZZ_SINK_COMMON) \
	utilities/exporter/exporter-conn.c \
	utilities/exporter/exporter-delivery.c \
	utilities/exporter/exporter-logger.c \
	utilities/exporter/exporter-spool.c \
	utilities/exporter/exporter-worker.c
tests_fuzz_fuzz_channel_vswitchd_SOURCES = \
	tests/fuzz/fuzz-channel-vswitchd.c $(FUZZ_COMMON)
tests_fuzz_fuzz_spool_SOURCES = \
	tests/fuzz/fuzz-spool.c $(FUZZ_COMMON) \
	utilities/exporter/exporter-spool.c
tests_fuzz_fuzz_exporter_config_SOURCES = \
	tests/fuzz/fuzz-exporter-config.c $(FUZZ_SINK_COMMON)
tests_fuzz_fuzz_ovsdb_host_SOURCES = \
	tests/fuzz/fuzz-ovsdb-host.c $(FUZZ_COMMON)
tests_fuzz_fuzz_logger_options_SOURCES = \
	tests/fuzz/fuzz-logger-options.c $(FUZZ_COMMON)
tests_fuzz_fuzz_s3_SOURCES = tests/fuzz/fuzz-s3.c $(FUZZ_SINK_COMMON)
tests_fuzz_fuzz_swift_SOURCES = tests/fuzz/fuzz-swift.c $(FUZZ_SINK_COMMON)
tests_fuzz_fuzz_file_writer_SOURCES = \
	tests/fuzz/fuzz-file-writer.c $(FUZZ_COMMON)
tests_fuzz_fuzz_reader_SOURCES = tests/fuzz/fuzz-reader.c $(FUZZ_COMMON)
tests_fuzz_fuzz_cli_filter_SOURCES = \
	tests/fuzz/fuzz-cli-filter.c $(FUZZ_COMMON) \
	utilities/flowlog-filter.c


# OVS's libraries that the harnesses of ovs-vswitchd's end link come from
# the "ovs-libs" step, as libopenvswitch.la does (utilities/automake.mk).
$(OVS_BUILDDIR)/ofproto/libofproto.la $(OVS_BUILDDIR)/lib/libsflow.la: | ovs-libs

# Per harness (automake needs each variable spelled out).  The exporter's
# sources need its version string; ovs-vswitchd's end links the hook and
# OVS's ofproto library as ovs-vswitchd does.
tests_fuzz_fuzz_frame_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_frame_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_frame_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_frame_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_frame_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_channel_exporter_CPPFLAGS = $(FUZZ_CPPFLAGS) \
	-DFLOWLOG_PACKAGE_STRING='"($(PACKAGE_NAME)) $(PACKAGE_VERSION)"'
tests_fuzz_fuzz_channel_exporter_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_channel_exporter_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_channel_exporter_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_channel_exporter_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_channel_vswitchd_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_channel_vswitchd_LDADD = \
	flowlog-hook.o \
	$(OVS_BUILDDIR)/ofproto/libofproto.la \
	$(OVS_BUILDDIR)/lib/libsflow.la \
	$(OVS_LIBOPENVSWITCH) $(FLOWLOG_VSWITCHD_LIBS)
tests_fuzz_fuzz_channel_vswitchd_LINK = $(FUZZ_LINK) -Wl,--wrap=time_msec
EXTRA_tests_fuzz_fuzz_channel_vswitchd_DEPENDENCIES = $(FUZZ_DEPS) flowlog-hook.o
$(tests_fuzz_fuzz_channel_vswitchd_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_ovsdb_host_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_ovsdb_host_LDADD = $(tests_fuzz_fuzz_channel_vswitchd_LDADD)
tests_fuzz_fuzz_ovsdb_host_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_ovsdb_host_DEPENDENCIES = $(FUZZ_DEPS) flowlog-hook.o
$(tests_fuzz_fuzz_ovsdb_host_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_spool_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_spool_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_spool_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_spool_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_spool_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_exporter_config_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_exporter_config_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_exporter_config_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_exporter_config_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_exporter_config_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_logger_options_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_logger_options_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_logger_options_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_logger_options_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_logger_options_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_s3_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_s3_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_s3_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_s3_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_s3_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_swift_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_swift_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_swift_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_swift_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_swift_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_file_writer_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_file_writer_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_file_writer_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_file_writer_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_file_writer_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_reader_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_reader_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_reader_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_reader_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_reader_OBJECTS): ovs/.flowlog-configured | ovs-libs
tests_fuzz_fuzz_cli_filter_CPPFLAGS = $(FUZZ_CPPFLAGS)
tests_fuzz_fuzz_cli_filter_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_cli_filter_LINK = $(FUZZ_LINK)
EXTRA_tests_fuzz_fuzz_cli_filter_DEPENDENCIES = $(FUZZ_DEPS)
$(tests_fuzz_fuzz_cli_filter_OBJECTS): ovs/.flowlog-configured | ovs-libs

FUZZ_RUN = $(srcdir)/tests/fuzz/run --srcdir '$(srcdir)' \
	--builddir '$(builddir)'
if FUZZ_ENABLED
fuzz: $(FUZZ_HARNESSES)
else
fuzz:
	@echo "make fuzz: the harnesses need a build configured with CC=clang and --enable-sanitizers (see tests/fuzz/README.md)" >&2; exit 1
endif
check-fuzz: fuzz
	$(FUZZ_RUN) --check $(if $(FUZZ_SECONDS),--seconds=$(FUZZ_SECONDS))
fuzz-run: fuzz
	$(FUZZ_RUN) --seconds=$(if $(FUZZ_SECONDS),$(FUZZ_SECONDS),60)
.PHONY: fuzz check-fuzz fuzz-run

EXTRA_DIST += \
	tests/fuzz/README.md \
	tests/fuzz/run \
	tests/fuzz/corpus \
	tests/fuzz/dict
clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/work tests/fuzz/*.log
.PHONY: clean-fuzz

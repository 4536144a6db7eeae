# Shared by ovs-vswitchd's hook and the exporter.
FLOWLOG_LIB_SOURCES = \
	lib/flowlog-command.c \
	lib/flowlog-command.h \
	lib/flowlog-config.c \
	lib/flowlog-config.h \
	lib/flowlog-msg.c \
	lib/flowlog-msg.h \
	lib/flowlog-nfct.c \
	lib/flowlog-nfct.h \
	lib/flowlog-record.c \
	lib/flowlog-record.h

# The channel schema, compiled with protoc-c at build time.
nodist_lib_libflowlog_a_SOURCES = lib/flowlog.pb-c.c lib/flowlog.pb-c.h
BUILT_SOURCES += lib/flowlog.pb-c.c lib/flowlog.pb-c.h
CLEANFILES += lib/flowlog.pb-c.c lib/flowlog.pb-c.h
EXTRA_DIST += lib/flowlog.proto
lib/flowlog.pb-c.c lib/flowlog.pb-c.h: lib/flowlog.proto
	$(AM_V_GEN)$(MKDIR_P) lib && \
	$(PROTOC_C) --c_out=$(builddir) -I$(srcdir) $(srcdir)/lib/flowlog.proto

# Flow log files (rendering, deterministic gzip, Parquet, object keys, and
# reading every format back), for the exporter and the CLI.  Kept out of libflowlog.a, which is linked whole
# into ovs-vswitchd: it needs zlib.
noinst_LIBRARIES += lib/libflowlog-file.a
lib_libflowlog_file_a_SOURCES = \
	lib/flowlog-file.c \
	lib/flowlog-file.h \
	lib/flowlog-parquet.c \
	lib/flowlog-parquet.h \
	lib/flowlog-reader.c \
	lib/flowlog-reader.h
lib_libflowlog_file_a_CPPFLAGS = $(AM_CPPFLAGS) $(ZLIB_CFLAGS) $(LIBDEFLATE_CFLAGS)
$(lib_libflowlog_file_a_OBJECTS): ovs/.flowlog-configured | ovs-libs

# Sinks: storing files in a directory, OpenStack Swift or an S3 API, with
# the credentials of the exporter's configuration file, for the exporter
# and the tools.  Needs libcurl, libcrypto and libinih.
noinst_LIBRARIES += lib/libflowlog-sink.a
lib_libflowlog_sink_a_SOURCES = \
	lib/flowlog-sink.c \
	lib/flowlog-sink.h \
	lib/flowlog-sink-config.c \
	lib/flowlog-sink-config.h \
	lib/flowlog-sink-file.c \
	lib/flowlog-sink-http.c \
	lib/flowlog-sink-http.h \
	lib/flowlog-sink-s3.c \
	lib/flowlog-sink-swift.c
lib_libflowlog_sink_a_CPPFLAGS = \
	$(AM_CPPFLAGS) $(INIH_CFLAGS) $(LIBCURL_CFLAGS) $(LIBCRYPTO_CFLAGS)
$(lib_libflowlog_sink_a_OBJECTS): ovs/.flowlog-configured | ovs-libs
